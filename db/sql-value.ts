/**
 * How JavaScript values are sent as query parameters: plain objects and numeric (nested) arrays
 * go to jsonb as JSON text; string arrays go to text[] columns as they are.
 */
export function toSqlValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  if (typeof value === 'object' && !(value instanceof Date)) return JSON.stringify(value);
  return value;
}
