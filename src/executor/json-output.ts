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
  throw new CxdaError(
    "E_OUTPUT",
    `the output is ${size} of JSON, over the ${maxBytes}-byte limit (the platform's response cap); return less, or raise maxOutputBytes`,
    {
      context: { ...context, maxBytes },
    },
  );
}

const OUTPUT: JsonSubject = {
  code: "E_OUTPUT",
  tooLarge: (what, maxBytes) => {
    throw new CxdaError(
      "E_OUTPUT",
      `the output holds ${what}, over the ${maxBytes}-byte limit of JSON (the platform's response cap); return less, or raise maxOutputBytes`,
      {
        context: { maxBytes },
      },
    );
  },
  whole: "the transform returned",
  part: (at) => `output ${at} is`,
  rule: "a transform must return JSON data (objects, arrays, strings, finite numbers, booleans, null)",
};

/** Sets `key` on a copy as an own data property: `copy["__proto__"] = …` would set the copy's prototype instead. */
function put(copy: Record<string, unknown>, key: string, item: unknown): void {
  if (key === "__proto__") Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  else copy[key] = item;
}

/**
 * Walks `value`, failing at the first place that is not JSON data, and returns a copy of it as JSON would carry it:
 * plain objects and arrays of the values read once each (a getter runs once, a Proxy's traps once, so what is
 * validated is what leaves), `undefined` properties dropped and holes in arrays as null. Also returns an upper bound
 * of its JSON size in bytes.
 */
function walkJson(value: unknown, subject: JsonSubject, maxBytes: number): { bound: number; copy: unknown } {
  /** Objects on the way down from the root: a cycle is an object met again on its own path. */
  const ancestors = new Set<object>();
  /** The keys and indices from the root to where the walk is; read only to name the place of a problem. */
  const path: Array<string | number> = [];
  // At most 6 bytes per UTF-16 unit of a string (a \uXXXX escape), 25 per number, plus quotes and punctuation.
  let bound = 0;
  // At least one byte per UTF-16 unit of a string or key: past `maxBytes` the walk stops there, so a 100 MB output is
  // refused without ever being serialised (which could take more memory than the transform has).
  let least = 0;
  const fail = (what: string): never => {
    const at = pointer(path);
    throw new CxdaError(subject.code, `${path.length === 0 ? subject.whole : subject.part(at)} ${what}; ${subject.rule}`, { context: { path: at } });
  };
  const visit = (current: unknown): unknown => {
    if (current === null || typeof current === "boolean") {
      bound += 5;
      return current;
    }
    if (typeof current === "string") {
      bound += current.length * 6 + 3;
      least += current.length + 2;
      if (least > maxBytes) subject.tooLarge(`a string of ${current.length} characters at ${pointer(path)}`, maxBytes);
      return current;
    }
    if (typeof current === "number") {
      bound += 25;
      if (Number.isFinite(current)) return current;
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
    let copy: unknown[] | Record<string, unknown>;
    if (plainArray) {
      const items = object as unknown[];
      const length = items.length;
      // Every item takes at least a character and a comma: a huge (even sparse) array is refused before it is walked,
      // which could otherwise take longer than the case's time limit.
      if (length * 2 > maxBytes) subject.tooLarge(`an array of ${length} items at ${pointer(path)}`, maxBytes);
      const list = new Array<unknown>(length);
      for (let index = 0; index < length; index++) {
        // A hole (`[, "x"]`) is written as null, as JSON.stringify writes it; an explicit undefined is a mistake.
        if (!(index in items)) {
          bound += 5;
          list[index] = null;
          continue;
        }
        path.push(index);
        list[index] = visit(items[index]);
        path.pop();
      }
      copy = list;
    } else {
      const record = object as Record<string, unknown>;
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (item === undefined) continue;
        bound += key.length * 6 + 3;
        least += key.length + 3;
        if (least > maxBytes) subject.tooLarge(`more than ${maxBytes} bytes of keys and strings by ${pointer(path)}`, maxBytes);
        path.push(key);
        put(fields, key, visit(item));
        path.pop();
      }
      copy = fields;
    }
    ancestors.delete(object);
    return copy;
  };
  const copy = visit(value);
  return { bound, copy };
}

/**
 * Returns the output as the platform would receive it, or throws `E_OUTPUT` unless `value` is null, a boolean,
 * a finite number, a string, an array or a plain object of those, without cycles. Object properties whose value is
 * `undefined` are dropped and holes in arrays become null, as JSON serialisation does; anything else that JSON would
 * lose or change is an error. The result is a copy, read from `value` once: a getter that would answer differently
 * later cannot change what was validated.
 *
 * With `maxBytes`, an output whose JSON is longer than that (in UTF-8 bytes) is `E_OUTPUT` too. The same walk keeps an
 * upper bound of the size, so only an output that might be too large is serialised to be measured exactly.
 * @example
 * toJsonOutput({ recordId: "rec-1", note: undefined }); // { recordId: "rec-1" }
 * toJsonOutput({ at: new Date() });                      // E_OUTPUT: output /at is a Date
 */
export function toJsonOutput(value: unknown, maxBytes = Infinity): unknown {
  const { bound, copy } = walkJson(value, OUTPUT, maxBytes);
  if (bound > maxBytes) {
    // The copy holds plain data only: serialising it runs no code of the transform.
    const bytes = Buffer.byteLength(JSON.stringify(copy));
    if (bytes > maxBytes) outputTooLarge(`${bytes} bytes`, maxBytes, { bytes });
  }
  return copy;
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
  walkJson(
    value,
    {
      code: "E_CASE",
      tooLarge: (what, maxBytes) => {
        throw new CxdaError("E_CASE", `${name} are more than ${maxBytes} bytes of JSON (${what}); pass large data in the trigger, not in ${name}`, {
          context: { maxBytes },
        });
      },
      whole: `${name} is`,
      part: (at) => `${name} ${at} is`,
      rule: `${name} reach the transform as JSON data (objects, arrays, strings, finite numbers, booleans, null): write a date as an ISO string`,
    },
    MAX_DATA_BYTES,
  );
}
