// Whether a value is plain JSON data, which a JSON round trip carries unchanged.

/** Deeper than this, a value is not taken for plain data (it may hold a cycle); callers fall back to a careful path. */
const MAX_DEPTH = 64;

/**
 * Whether `value` is JSON data that `JSON.parse(JSON.stringify(value))` gives back unchanged: null, booleans, finite
 * numbers, strings, and arrays (without holes) and plain objects of those, at most 64 levels deep. `undefined`, a
 * function, a Date, a Map, a class instance, a hole or a cycle all answer false.
 * @example
 * isJsonData({ tier: "standard", scores: [1, 2] }); // true
 * isJsonData({ at: new Date() });                   // false
 */
export function isJsonData(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value !== "object" || depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!(index in value) || !isJsonData(value[index], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(value)) if (!isJsonData((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}

/** Whether `value` is a JSON object (not null, not an array): what a parsed file's `{ … }` is. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What a value is, for messages: `null`, `an array`, `a string`, `a number`…
 * @example
 * `config.request must be an object, got ${kindOf([])}`; // "… got an array"
 */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
