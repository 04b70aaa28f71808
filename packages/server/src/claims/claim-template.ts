import { CLAIM_SHORTCODES } from '@tessera/wire';
import { ApiError } from '../core/api-error';

type Json = Record<string, unknown>;

/** What shortcodes read: each a value of the user, organization, membership or session. */
export type ClaimScope = (path: string) => unknown;

/** Shortcodes that may be followed by a path into the JSON they name. */
const METADATA_SHORTCODES = [
  'user.public_metadata',
  'user.unsafe_metadata',
  'org.public_metadata',
  'org_membership.public_metadata',
] as const;

const SHORTCODE = /\{\{(.*?)\}\}/g;
const WHOLE = /^\{\{(.*?)\}\}$/;
const QUOTED = /^(?:'([^']*)'|"([^"]*)")$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*$/;

type Term = { readonly literal: unknown } | { readonly path: string };

/** One `{{ ... }}`: terms separated by `||`, each a shortcode or a quoted text, a number, true, false or null. */
function parseExpression(expression: string): Term[] | string {
  const terms: Term[] = [];
  for (const raw of expression.split('||')) {
    const text = raw.trim();
    const quoted = QUOTED.exec(text);
    if (quoted) terms.push({ literal: quoted[1] ?? quoted[2] });
    else if (/^-?\d+(?:\.\d+)?$/.test(text)) terms.push({ literal: Number(text) });
    else if (text === 'true' || text === 'false' || text === 'null')
      terms.push({ literal: JSON.parse(text) });
    else if (!PATH.test(text)) return `"${text}" is not a shortcode`;
    else if (!isKnownPath(text)) return `{{${text}}} is not a shortcode tessera knows (see CLAIM_SHORTCODES)`;
    else terms.push({ path: text });
  }
  return terms;
}

function isKnownPath(path: string): boolean {
  if ((CLAIM_SHORTCODES as readonly string[]).includes(path)) return true;
  return METADATA_SHORTCODES.some((prefix) => path.startsWith(`${prefix}.`));
}

/**
 * Checks a template before it is stored: no reserved claim at the top, every shortcode known and well
 * formed. The first problem is a 422 naming it, e.g. `claims.role` (under `param`).
 */
export function checkClaimsTemplate(claims: Json, reserved: readonly string[], param = 'claims'): void {
  for (const key of Object.keys(claims)) {
    if (reserved.includes(key)) {
      throw ApiError.invalidParam(
        `${param}.${key}`,
        `${key} is a claim tessera sets; a template cannot set it.`,
      );
    }
  }
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(SHORTCODE)) {
        const terms = parseExpression(match[1] ?? '');
        if (typeof terms === 'string') throw ApiError.invalidParam(path, `${path}: ${terms}.`);
      }
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`);
    }
  };
  visit(claims, param);
}

function evaluate(terms: readonly Term[], scope: ClaimScope): unknown {
  for (const term of terms) {
    const value = 'literal' in term ? term.literal : scope(term.path);
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return null;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Renders a checked template: a string that is one shortcode takes the value's own type (`null` when
 * unset); shortcodes inside text are replaced by their text (empty when unset); the rest is kept.
 */
export function renderClaims(template: Json, scope: ClaimScope): Json {
  const render = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('{{')) return value;
      const whole = WHOLE.exec(value);
      if (whole && !whole[1]?.includes('}}')) {
        const terms = parseExpression(whole[1] ?? '');
        return typeof terms === 'string' ? value : evaluate(terms, scope);
      }
      return value.replace(SHORTCODE, (_match, expression: string) => {
        const terms = parseExpression(expression);
        return typeof terms === 'string' ? '' : asText(evaluate(terms, scope));
      });
    }
    if (Array.isArray(value)) return value.map(render);
    if (typeof value === 'object' && value !== null) {
      const rendered: Json = {};
      for (const [key, item] of Object.entries(value)) {
        Object.defineProperty(rendered, key, {
          value: render(item),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return rendered;
    }
    return value;
  };
  return render(template) as Json;
}

/** Reads `a.b.c` in JSON; undefined when any step is missing. */
export function readPath(value: unknown, steps: readonly string[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, step)) return undefined;
    current = (current as Json)[step];
  }
  return current;
}
