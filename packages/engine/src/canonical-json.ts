import { pyFloatRepr } from './format.js';

/**
 * Canonical JSON as Python's `json.dumps(value, sort_keys=True, separators=(",", ":"))` writes it for
 * float values, so a checksum computed here equals one computed by the 1.1.0 tooling.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'number') return pyFloatRepr(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
