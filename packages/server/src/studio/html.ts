import { escapeHtml } from '../http/pages';

/** Markup that is already safe to put in a page: made by `html` (which escaped every value) or `raw`. */
export class SafeHtml {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** Markup written by tessera itself, never user data: inserted as is. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * The one way Studio writes markup: every interpolated value is escaped unless it is SafeHtml, so user
 * data (a name such as `<img src=x onerror=alert(1)>`) is shown as text, never run.
 * @example html`<td>${user.first_name}</td>` // escaped
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}
