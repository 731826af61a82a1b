// The tools a Genesys template finds in its context besides `$esc`: $math, $successTemplateUtils, $encoding, $urlTool,
// $salesforce and $dynamics, each as https://help.mypurecloud.com/articles/velocity-macros-data-actions/ names it.
//
// That page names each macro and links Velocity's own javadoc for MathTool and EscapeTool; where it gives no rule
// (an empty array, a value that is not JSON) the comment beside the code says what cxda does and why.
import { EscapeTool, javaText, urlFormEncode, utf8Bytes } from "./escape-tool.js";
import { isPlainObject } from "./java-methods.js";
import { templateFault } from "./java-regex.js";

/** MathTool's toNumber: a number, or a string Java's Double.parseDouble reads; anything else is null. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value.trim()))) return Number(value.trim());
  return undefined;
}

function numbers(values: unknown[]): number[] | undefined {
  const read = values.map(toNumber);
  return read.length > 0 && read.every((n) => n !== undefined) ? (read as number[]) : undefined;
}

/**
 * `$math`: velocity-tools' MathTool (Genesys: "Math library", prefix `math`, for basic operations). Every method
 * returns null (undefined here) for an argument that is not a number and for a division by zero, as MathTool does,
 * so the reference then prints as written.
 * @example renderTemplate("$math.add(1, 2)", {}).text // "3"
 */
export class MathTool {
  add(...values: unknown[]): number | undefined {
    return numbers(values)?.reduce((sum, n) => sum + n);
  }
  sub(...values: unknown[]): number | undefined {
    return numbers(values)?.reduce((difference, n) => difference - n);
  }
  mul(...values: unknown[]): number | undefined {
    return numbers(values)?.reduce((product, n) => product * n);
  }
  div(...values: unknown[]): number | undefined {
    const read = numbers(values);
    if (read === undefined || read.slice(1).includes(0)) return undefined;
    return read.reduce((quotient, n) => quotient / n);
  }
  /** Integer division, truncated toward zero as Java's `/` on integers. */
  idiv(a: unknown, b: unknown): number | undefined {
    const read = numbers([a, b]);
    if (read === undefined || Math.trunc(read[1]!) === 0) return undefined;
    return Math.trunc(Math.trunc(read[0]!) / Math.trunc(read[1]!));
  }
  /** Java's `%`: the sign follows the dividend, as JavaScript's does. */
  mod(a: unknown, b: unknown): number | undefined {
    const read = numbers([a, b]);
    if (read === undefined || Math.trunc(read[1]!) === 0) return undefined;
    return Math.trunc(read[0]!) % Math.trunc(read[1]!);
  }
  pow(a: unknown, b: unknown): number | undefined {
    const read = numbers([a, b]);
    return read === undefined ? undefined : read[0]! ** read[1]!;
  }
  max(...values: unknown[]): number | undefined {
    const read = numbers(values);
    return read === undefined ? undefined : Math.max(...read);
  }
  min(...values: unknown[]): number | undefined {
    const read = numbers(values);
    return read === undefined ? undefined : Math.min(...read);
  }
  abs(value: unknown): number | undefined {
    const n = toNumber(value);
    return n === undefined ? undefined : Math.abs(n);
  }
  ceil(value: unknown): number | undefined {
    const n = toNumber(value);
    return n === undefined ? undefined : Math.ceil(n);
  }
  floor(value: unknown): number | undefined {
    const n = toNumber(value);
    return n === undefined ? undefined : Math.floor(n);
  }
  /** Java's Math.round: halves go up (toward positive infinity), as JavaScript's Math.round. */
  round(value: unknown): number | undefined {
    const n = toNumber(value);
    return n === undefined ? undefined : Math.round(n);
  }
  /**
   * MathTool.roundTo(decimals, value): half up (away from zero) at that many places. Rounding is done on the binary
   * double, so 1.005 gives 1; whether Genesys' MathTool reads the decimal text instead is not documented.
   */
  roundTo(decimals: unknown, value: unknown): number | undefined {
    const places = toNumber(decimals);
    const n = toNumber(value);
    if (places === undefined || n === undefined) return undefined;
    const factor = 10 ** Math.trunc(places);
    return (Math.sign(n) * Math.round(Math.abs(n) * factor)) / factor;
  }
  toNumber(value: unknown): number | undefined {
    return toNumber(value);
  }
  toInteger(value: unknown): number | undefined {
    const n = toNumber(value);
    return n === undefined ? undefined : Math.trunc(n);
  }
  toDouble(value: unknown): number | undefined {
    return toNumber(value);
  }
}

/** Reads JSON text (what a translation-map value is in the success template), or takes an array/object as it is. */
function readJson(value: unknown, macro: string): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw templateFault(`${macro} expects JSON text, and ${JSON.stringify(value.slice(0, 80))} is not JSON`);
  }
}

/**
 * `$successTemplateUtils`: Genesys' own helpers for success templates, whose values arrive as JSON text.
 * @example renderTemplate('$successTemplateUtils.firstFromArray("[1,2]")', {}).text // "1"
 */
export class SuccessTemplateUtils {
  /**
   * The first element of a JSON array, as JSON text. An empty array gives the default (the second argument) or, when
   * there is none, an empty string; the page documents the default argument but not its absence. A value that is
   * not an array is returned as it came (a definite JSONPath already gave the one value).
   */
  firstFromArray(json: unknown, fallback?: unknown): string | undefined {
    if (json === null || json === undefined) return undefined;
    const read = readJson(json, "firstFromArray");
    if (!Array.isArray(read)) return typeof json === "string" ? json : JSON.stringify(json);
    if (read.length === 0) return fallback === undefined ? "" : (javaText(fallback) ?? "");
    return JSON.stringify(read[0]);
  }

  /**
   * A JSON object whose values are objects, as a JSON array of those objects, each given its key under `keyName`
   * (`{"a": {"x": 1}}` → `[{"x": 1, "id": "a"}]` with keyName "id"). A value that is not an object becomes
   * `{keyName: key, "value": value}`; the page does not cover that case.
   */
  moveKeysIntoArrayOfObjects(json: unknown, keyName: unknown): string | undefined {
    if (json === null || json === undefined) return undefined;
    const read = readJson(json, "moveKeysIntoArrayOfObjects");
    if (!isPlainObject(read)) throw templateFault("moveKeysIntoArrayOfObjects expects a JSON object whose values are objects");
    const name = javaText(keyName) ?? "key";
    const items = Object.entries(read).map(([key, value]) => (isPlainObject(value) ? { ...value, [name]: key } : { [name]: key, value }));
    return JSON.stringify(items);
  }
}

/**
 * `$encoding`: `base64` of the UTF-8 bytes of a value, as the page's Basic-authentication header example uses it
 * (https://help.mypurecloud.com/?p=296518).
 */
export class EncodingTool {
  base64(value: unknown): string | undefined {
    const text = javaText(value);
    if (text === undefined) return undefined;
    let binary = "";
    // utf8Bytes, not TextEncoder: a lone surrogate is `?` in Java's getBytes(UTF_8), not U+FFFD, as $esc.url has it.
    for (const byte of utf8Bytes(text)) binary += String.fromCharCode(byte);
    return btoa(binary);
  }
}

/**
 * `$urlTool.optionalQueryParam(name, value[, first])`: `&name=value` (or `?name=value` when `first` is true), both
 * form-encoded as `$esc.url` does, or nothing at all when the value is null or empty, so an absent optional input
 * leaves no `name=` behind. The page names the macro for optional query parameters; the separator rule is cxda's
 * reading of it and is the part to check against Genesys' Test view.
 */
export class UrlTool {
  optionalQueryParam(name: unknown, value: unknown, first?: unknown): string {
    const text = javaText(value);
    if (text === undefined || text === "") return "";
    return `${first === true ? "?" : "&"}${urlFormEncode(javaText(name) ?? "")}=${urlFormEncode(text)}`;
  }
}

/**
 * `$salesforce.escReserved(value)`: a backslash before each character SOSL reserves (`? & | ! { } [ ] ( ) ^ ~ * :
 * \ " ' + -`, Salesforce's SOSL reference), so a phone number or name can go inside `FIND {…}`.
 * @example renderTemplate('$salesforce.escReserved("+1 (555)")', {}).text // "\\+1 \\(555\\)"
 */
export class SalesforceTool {
  escReserved(value: unknown): string | undefined {
    return javaText(value)?.replace(/[?&|!{}[\]()^~*:\\"'+-]/g, "\\$&");
  }
}

/**
 * `$dynamics.escReserved(value)`: a value made safe inside an OData string literal for Microsoft Dynamics 365, by
 * doubling single quotes (OData's rule). The page lists "Microsoft Dynamics macros" without an example in the copy
 * cxda could read; the name follows the Salesforce one.
 */
export class DynamicsTool {
  escReserved(value: unknown): string | undefined {
    return javaText(value)?.replace(/'/g, "''");
  }
}

/** Every tool a Genesys template can name, by its name in the template. */
export interface GenesysTools {
  esc: EscapeTool;
  math: MathTool;
  successTemplateUtils: SuccessTemplateUtils;
  encoding: EncodingTool;
  urlTool: UrlTool;
  salesforce: SalesforceTool;
  dynamics: DynamicsTool;
}

/**
 * A fresh set of tools for one render (velocityjs writes to objects it calls methods on, so none is shared).
 * @example const tools = createGenesysTools(); tools.esc.url("a b") // "a+b"
 */
export function createGenesysTools(): GenesysTools {
  return {
    esc: new EscapeTool(),
    math: new MathTool(),
    successTemplateUtils: new SuccessTemplateUtils(),
    encoding: new EncodingTool(),
    urlTool: new UrlTool(),
    salesforce: new SalesforceTool(),
    dynamics: new DynamicsTool(),
  };
}
