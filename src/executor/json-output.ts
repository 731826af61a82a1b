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

/**
 * Returns the output as the platform would receive it, or throws `E_OUTPUT` unless `value` is null, a boolean,
 * a finite number, a string, an array or a plain object of those, without cycles. Object properties whose value is
 * `undefined` are dropped, as JSON serialisation drops them; anything else that JSON would lose or change is an error.
 *
 * With `maxBytes`, an output whose JSON is longer than that (in UTF-8 bytes) is `E_OUTPUT` too. The same walk keeps an
 * upper bound of the size, so only an output that might be too large is serialised to be measured exactly.
 * @example
 * toJsonOutput({ recordId: "rec-1", note: undefined }); // { recordId: "rec-1" }
 * toJsonOutput({ at: new Date() });                      // E_OUTPUT: output /at is a Date
 */
export function toJsonOutput(value: unknown, maxBytes = Infinity): unknown {
  /** Objects on the way down from the root: a cycle is an object met again on its own path. */
  const ancestors = new Set<object>();
  /** The keys and indices from the root to where the walk is; read only to name the place of a problem. */
  const path: Array<string | number> = [];
  let dropsUndefined = false;
  // At most 6 bytes per UTF-16 unit of a string (a \uXXXX escape), 25 per number, plus quotes and punctuation.
  let bound = 0;
  const visit = (current: unknown): void => {
    if (current === null || typeof current === "boolean") {
      bound += 5;
      return;
    }
    if (typeof current === "string") {
      bound += current.length * 6 + 3;
      return;
    }
    if (typeof current === "number") {
      bound += 25;
      if (Number.isFinite(current)) return;
      fail(path, `${describe(current)}, which JSON cannot carry`);
    }
    if (typeof current !== "object") fail(path, describe(current));
    const object = current as object;
    if (ancestors.has(object)) fail(path, "a reference back to one of its own parents (a cycle)");
    const proto = Object.getPrototypeOf(object) as unknown;
    const plainArray = Array.isArray(object);
    if (!plainArray && proto !== Object.prototype && proto !== null) fail(path, describe(object));
    ancestors.add(object);
    bound += 2;
    if (plainArray) {
      const items = object as unknown[];
      for (let index = 0; index < items.length; index++) {
        path.push(index);
        visit(items[index]);
        path.pop();
      }
    } else {
      const record = object as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (item === undefined) dropsUndefined = true;
        else {
          bound += key.length * 6 + 3;
          path.push(key);
          visit(item);
          path.pop();
        }
      }
    }
    ancestors.delete(object);
  };
  visit(value);
  const output = dropsUndefined ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
  if (bound > maxBytes) {
    const bytes = Buffer.byteLength(JSON.stringify(output));
    if (bytes > maxBytes) {
      throw new CxdaError("E_OUTPUT", `the output is ${bytes} bytes of JSON, over the ${maxBytes}-byte limit (the platform's response cap); return less, or raise maxOutputBytes`, {
        context: { bytes, maxBytes },
      });
    }
  }
  return output;
}

function fail(path: Array<string | number>, what: string): never {
  const where = path.length === 0 ? "the transform returned" : `output ${pointer(path)} is`;
  throw new CxdaError(
    "E_OUTPUT",
    `${where} ${what}; a transform must return JSON data (objects, arrays, strings, finite numbers, booleans, null)`,
    { context: { path: pointer(path) } },
  );
}
