// Checks that a transform's return value is JSON data, naming the first place where it is not.
import { CxdaError } from "../core/errors.js";

function pointer(path: Array<string | number>): string {
  return path.length === 0 ? "/" : "/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "a function";
  if (typeof value === "bigint") return `a BigInt (${String(value)}n)`;
  if (typeof value === "symbol") return "a symbol";
  if (typeof value === "number") return String(value);
  if (value instanceof Date) return "a Date";
  if (value instanceof Map) return "a Map";
  if (value instanceof Set) return "a Set";
  const name = (value as object).constructor?.name;
  return name ? `an instance of ${name}` : "a non-plain object";
}

/** Whose data a walk checks, for its error messages. */
interface JsonSubject {
  code: "E_OUTPUT" | "E_CASE";
  /** Refuses a value whose JSON is certainly larger than `maxBytes` (`what` says why it must be). */
  tooLarge: (what: string, maxBytes: number) => never;
  /** Says what the whole value is, when the value itself is the problem ("the transform returned"). */
  whole: string;
  /** Says where a problem is ("output /a/0 is"). */
  part: (pointer: string) => string;
  rule: string;
}

function outputTooLarge(size: string, maxBytes: number, context: Record<string, unknown>): never {
  throw new CxdaError("E_OUTPUT", `the output is ${size} of JSON, over the ${maxBytes}-byte limit (the platform's response cap); return less, or raise maxOutputBytes`, {
    context: { ...context, maxBytes },
  });
}

const OUTPUT: JsonSubject = {
  code: "E_OUTPUT",
  tooLarge: (what, maxBytes) => {
    throw new CxdaError("E_OUTPUT", `the output holds ${what}, over the ${maxBytes}-byte limit of JSON (the platform's response cap); return less, or raise maxOutputBytes`, {
      context: { maxBytes },
    });
  },
  whole: "the transform returned",
  part: (at) => `output ${at} is`,
  rule: "a transform must return JSON data (objects, arrays, strings, finite numbers, booleans, null)",
};

/**
 * Walks `value`, failing at the first place that is not JSON data. Returns an upper bound of its JSON size in bytes,
 * and whether JSON would change it without losing anything (an `undefined` property dropped, a hole in an array
 * written as null).
 */
function walkJson(value: unknown, subject: JsonSubject, maxBytes: number): { bound: number; changes: boolean } {
  /** Objects on the way down from the root: a cycle is an object met again on its own path. */
  const ancestors = new Set<object>();
  /** The keys and indices from the root to where the walk is; read only to name the place of a problem. */
  const path: Array<string | number> = [];
  let changes = false;
  // At most 6 bytes per UTF-16 unit of a string (a \uXXXX escape), 25 per number, plus quotes and punctuation.
  let bound = 0;
  // At least one byte per UTF-16 unit of a string or key: past `maxBytes` the walk stops there, so a 100 MB output is
  // refused without ever being serialised (which could take more memory than the transform has).
  let least = 0;
  const fail = (what: string): never => {
    const at = pointer(path);
    throw new CxdaError(subject.code, `${path.length === 0 ? subject.whole : subject.part(at)} ${what}; ${subject.rule}`, { context: { path: at } });
  };
  const visit = (current: unknown): void => {
    if (current === null || typeof current === "boolean") {
      bound += 5;
      return;
    }
    if (typeof current === "string") {
      bound += current.length * 6 + 3;
      least += current.length + 2;
      if (least > maxBytes) subject.tooLarge(`a string of ${current.length} characters at ${pointer(path)}`, maxBytes);
      return;
    }
    if (typeof current === "number") {
      bound += 25;
      if (Number.isFinite(current)) return;
      fail(`${describe(current)}, which JSON cannot carry`);
    }
    if (typeof current !== "object") fail(describe(current));
    const object = current as object;
    if (ancestors.has(object)) fail("a reference back to one of its own parents (a cycle)");
    const proto = Object.getPrototypeOf(object) as unknown;
    const plainArray = Array.isArray(object);
    if (!plainArray && proto !== Object.prototype && proto !== null) fail(describe(object));
    ancestors.add(object);
    bound += 2;
    if (plainArray) {
      const items = object as unknown[];
      // Every item takes at least a character and a comma: a huge (even sparse) array is refused before it is walked,
      // which could otherwise take longer than the case's time limit.
      if (items.length * 2 > maxBytes) subject.tooLarge(`an array of ${items.length} items at ${pointer(path)}`, maxBytes);
      for (let index = 0; index < items.length; index++) {
        // A hole (`[, "x"]`) is written as null, as JSON.stringify writes it; an explicit undefined is a mistake.
        if (!(index in items)) {
          bound += 5;
          changes = true;
          continue;
        }
        path.push(index);
        visit(items[index]);
        path.pop();
      }
    } else {
      const record = object as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (item === undefined) changes = true;
        else {
          bound += key.length * 6 + 3;
          least += key.length + 3;
          if (least > maxBytes) subject.tooLarge(`more than ${maxBytes} bytes of keys and strings by ${pointer(path)}`, maxBytes);
          path.push(key);
          visit(item);
          path.pop();
        }
      }
    }
    ancestors.delete(object);
  };
  visit(value);
  return { bound, changes };
}

/**
 * Returns the output as the platform would receive it, or throws `E_OUTPUT` unless `value` is null, a boolean,
 * a finite number, a string, an array or a plain object of those, without cycles. Object properties whose value is
 * `undefined` are dropped and holes in arrays become null, as JSON serialisation does; anything else that JSON would
 * lose or change is an error.
 *
 * With `maxBytes`, an output whose JSON is longer than that (in UTF-8 bytes) is `E_OUTPUT` too. The same walk keeps an
 * upper bound of the size, so only an output that might be too large is serialised to be measured exactly.
 * @example
 * toJsonOutput({ recordId: "rec-1", note: undefined }); // { recordId: "rec-1" }
 * toJsonOutput({ at: new Date() });                      // E_OUTPUT: output /at is a Date
 */
export function toJsonOutput(value: unknown, maxBytes = Infinity): unknown {
  const { bound, changes } = walkJson(value, OUTPUT, maxBytes);
  // Serialised at most once: to drop what JSON drops, or to measure an output that might be too large.
  const text = changes || bound > maxBytes ? JSON.stringify(value) : undefined;
  if (text !== undefined && bound > maxBytes) {
    const bytes = Buffer.byteLength(text);
    if (bytes > maxBytes) outputTooLarge(`${bytes} bytes`, maxBytes, { bytes });
  }
  return changes ? (JSON.parse(text!) as unknown) : value;
}

/** Largest JSON {@link assertJsonData} accepts: variables are settings, not payloads. */
const MAX_DATA_BYTES = 16 * 1024 * 1024;

/**
 * Throws `E_CASE` unless `value` is JSON data (as {@link toJsonOutput} defines it), naming the first place where it is
 * not: for values that reach a transform, which receives them as JSON, as the platform sends them.
 * @example
 * assertJsonData({ since: new Date() }, "vars"); // E_CASE: vars /since is a Date; …
 */
export function assertJsonData(value: unknown, name: string): void {
  walkJson(value, {
    code: "E_CASE",
    tooLarge: (what, maxBytes) => {
      throw new CxdaError("E_CASE", `${name} are more than ${maxBytes} bytes of JSON (${what}); pass large data in the trigger, not in ${name}`, { context: { maxBytes } });
    },
    whole: `${name} is`,
    part: (at) => `${name} ${at} is`,
    rule: `${name} reach the transform as JSON data (objects, arrays, strings, finite numbers, booleans, null): write a date as an ISO string`,
  }, MAX_DATA_BYTES);
}
