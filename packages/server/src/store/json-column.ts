/** Metadata columns hold JSON text; these keep the conversions in one place. */
export function toJsonColumn(value: Record<string, unknown>): string {
  return JSON.stringify(value);
}

export function fromJsonColumn(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

export function fromNullableJsonColumn(text: string | null): Record<string, unknown> | null {
  return text === null ? null : fromJsonColumn(text);
}
