// Short, readable descriptions of JSON values for messages: `string "87"`, `number 87.5`, `array of 3 items`.

/** Longest rendering of a value kept in a message before it is shortened. */
const MAX_RENDERED = 60;

/**
 * Describes a value by its JSON type and a short rendering, shortening long strings and big structures.
 * @example
 * describeValue("87"); // 'string "87"'
 * describeValue(87.5); // "number 87.5"
 * describeValue("x".repeat(500)); // 'string "xxxx…" (500 characters)'
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    if (value.length <= MAX_RENDERED) return `string ${JSON.stringify(value)}`;
    let head = value.slice(0, MAX_RENDERED);
    // Do not cut a surrogate pair in half.
    if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
    return `string ${JSON.stringify(head).slice(0, -1)}…" (${value.length} characters)`;
  }
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) {
    const rendered = safeJson(value);
    if (rendered !== undefined && rendered.length <= MAX_RENDERED) return `array ${rendered}`;
    return `array of ${value.length} ${value.length === 1 ? "item" : "items"}`;
  }
  if (typeof value === "object") {
    const rendered = safeJson(value);
    if (rendered !== undefined && rendered.length <= MAX_RENDERED) return `object ${rendered}`;
    const count = Object.keys(value).length;
    return `object with ${count} ${count === 1 ? "property" : "properties"}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** The JSON type name of a value as JSON Schema sees it (`integer` is reported as `number`). */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
