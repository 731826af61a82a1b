// Structural comparison of JSON values, exact or partial, reporting each difference by JSON Pointer.

/** One place where two values differ. `actual` is undefined when the value is missing. */
export interface ValueDifference {
  path: string;
  expected: unknown;
  actual: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/**
 * Lists where `actual` differs from `expected`. With `partial`, keys that `expected` does not mention are ignored
 * at every depth (arrays still compare element by element and must have the same length).
 * @example
 * diffValues({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 }, d: 4 }, { partial: true }); // [{ path: "/b/c", expected: 2, actual: 3 }]
 */
export function diffValues(expected: unknown, actual: unknown, options: { partial: boolean; limit?: number }): ValueDifference[] {
  const differences: ValueDifference[] = [];
  const limit = options.limit ?? 20;
  const visit = (exp: unknown, act: unknown, path: string): void => {
    if (differences.length >= limit) return;
    if (Array.isArray(exp)) {
      if (!Array.isArray(act) || act.length !== exp.length) {
        differences.push({ path: path || "/", expected: exp, actual: act });
        return;
      }
      exp.forEach((item, index) => visit(item, act[index], child(path, index)));
      return;
    }
    if (isPlainObject(exp)) {
      if (!isPlainObject(act)) {
        differences.push({ path: path || "/", expected: exp, actual: act });
        return;
      }
      for (const key of Object.keys(exp)) visit(exp[key], act[key], child(path, key));
      if (!options.partial) {
        for (const key of Object.keys(act)) {
          if (!(key in exp)) differences.push({ path: child(path, key), expected: undefined, actual: act[key] });
        }
      }
      return;
    }
    if (!Object.is(exp, act) && !(exp === 0 && act === 0)) differences.push({ path: path || "/", expected: exp, actual: act });
  };
  visit(expected, actual, "");
  return differences;
}

/** A short, single-line rendering of a value for messages. */
export function showValue(value: unknown, max = 80): string {
  if (value === undefined) return "(missing)";
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
