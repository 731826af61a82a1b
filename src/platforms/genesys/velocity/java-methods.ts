// Java's methods on the values a Genesys template holds: String, numbers, Boolean, List (JSON arrays), Map (JSON objects).
//
// Genesys' page lists "Java string method macros" (https://help.mypurecloud.com/articles/velocity-macros-data-actions/):
// templates call java.lang.String's methods on inputs. velocityjs would call JavaScript's methods of the same name,
// and some differ: Java's replace replaces every occurrence, literally; length() and isEmpty() exist; trim() strips
// only characters up to U+0020. A method Java does not have resolves to nothing, so the reference prints as written,
// as Velocity does when it finds no such method.
import { javaText } from "./escape-tool.js";
import { javaRegex, javaReplace, javaSplit, templateFault } from "./java-regex.js";

/** What velocityjs hands a custom method handler. */
export interface MethodCall {
  property: string;
  context: unknown;
  params: unknown[];
}

/** A velocityjs `customMethodHandlers` entry. */
export interface MethodHandler {
  uid: string;
  match: (call: MethodCall) => boolean;
  resolve: (call: MethodCall) => unknown;
}

type Method<T> = (self: T, ...args: unknown[]) => unknown;

/** True for a JSON object (a java.util.Map in Genesys), not for a tool or the render context. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function text(value: unknown, method: string): string {
  // Java throws NullPointerException for a null String argument; Velocity reports it as a method failure.
  if (value === null || value === undefined) throw templateFault(`${method}() was given null`);
  return javaText(value) ?? "";
}

/** indexOf(int ch) and indexOf(String) both exist in Java: a number is a character code there. */
function charOrText(value: unknown, method: string): string {
  return typeof value === "number" ? String.fromCharCode(value) : text(value, method);
}

function integer(value: unknown, method: string): number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw templateFault(`${method}() needs an integer, got ${JSON.stringify(value) ?? "nothing"}`);
  return value;
}

function checkRange(self: string, begin: number, end: number, method: string): void {
  // Java throws StringIndexOutOfBoundsException here where JavaScript would clamp.
  if (begin < 0 || end > self.length || begin > end) {
    throw templateFault(`${method}(${begin}, ${end}) is out of range for a string of length ${self.length}`);
  }
}

/** Java's String.hashCode: s[0]*31^(n-1) + … in 32-bit arithmetic. */
function javaHash(self: string): number {
  let hash = 0;
  for (let i = 0; i < self.length; i += 1) hash = (Math.imul(hash, 31) + self.charCodeAt(i)) | 0;
  return hash;
}

/** Java's String.compareTo: the first differing UTF-16 unit, else the difference of lengths. */
function compareUnits(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

const isJavaSpace = (unit: number): boolean => unit <= 0x20;

/** java.lang.String's methods, as Java 11 has them (Genesys' JVM is not documented; strip/isBlank/repeat are 11's). */
const STRING_METHODS: Record<string, Method<string>> = {
  length: (self) => self.length,
  isEmpty: (self) => self.length === 0,
  isBlank: (self) => self.trim().length === 0,
  charAt: (self, index) => {
    const i = integer(index, "charAt");
    checkRange(self, i, i + 1, "charAt");
    return self[i];
  },
  concat: (self, other) => self + text(other, "concat"),
  contains: (self, part) => self.includes(text(part, "contains")),
  startsWith: (self, prefix, offset) => self.startsWith(text(prefix, "startsWith"), offset === undefined ? 0 : integer(offset, "startsWith")),
  endsWith: (self, suffix) => self.endsWith(text(suffix, "endsWith")),
  equals: (self, other) => typeof other === "string" && self === other,
  equalsIgnoreCase: (self, other) => typeof other === "string" && self.toUpperCase().toLowerCase() === other.toUpperCase().toLowerCase(),
  compareTo: (self, other) => compareUnits(self, text(other, "compareTo")),
  compareToIgnoreCase: (self, other) =>
    compareUnits(self.toUpperCase().toLowerCase(), text(other, "compareToIgnoreCase").toUpperCase().toLowerCase()),
  indexOf: (self, part, from) => self.indexOf(charOrText(part, "indexOf"), from === undefined ? 0 : Math.max(0, integer(from, "indexOf"))),
  lastIndexOf: (self, part, from) => {
    const found = charOrText(part, "lastIndexOf");
    return from === undefined
      ? self.lastIndexOf(found)
      : integer(from, "lastIndexOf") < 0
        ? -1
        : self.lastIndexOf(found, integer(from, "lastIndexOf"));
  },
  matches: (self, pattern) => {
    const regex = javaRegex(text(pattern, "matches"));
    // matches() is anchored at both ends in Java.
    return new RegExp(`^(?:${regex.source})$`, regex.flags).test(self);
  },
  // Literal and every occurrence: an empty target inserts the replacement around every character, as in Java.
  replace: (self, target, replacement) => self.replaceAll(text(target, "replace"), () => text(replacement, "replace")),
  replaceAll: (self, pattern, replacement) => javaReplace(self, text(pattern, "replaceAll"), text(replacement, "replaceAll"), true),
  replaceFirst: (self, pattern, replacement) => javaReplace(self, text(pattern, "replaceFirst"), text(replacement, "replaceFirst"), false),
  split: (self, pattern, limit) => javaSplit(self, text(pattern, "split"), limit === undefined ? 0 : integer(limit, "split")),
  substring: (self, begin, end) => {
    const from = integer(begin, "substring");
    const to = end === undefined ? self.length : integer(end, "substring");
    checkRange(self, from, to, "substring");
    return self.slice(from, to);
  },
  toLowerCase: (self) => self.toLowerCase(),
  toUpperCase: (self) => self.toUpperCase(),
  // Java's trim removes every character up to U+0020 and nothing else; strip removes Unicode white space.
  trim: (self) => {
    let start = 0;
    let end = self.length;
    while (start < end && isJavaSpace(self.charCodeAt(start))) start += 1;
    while (end > start && isJavaSpace(self.charCodeAt(end - 1))) end -= 1;
    return self.slice(start, end);
  },
  strip: (self) => self.trim(),
  stripLeading: (self) => self.trimStart(),
  stripTrailing: (self) => self.trimEnd(),
  repeat: (self, count) => {
    const times = integer(count, "repeat");
    if (times < 0) throw templateFault(`repeat(${times}) needs a count of 0 or more`);
    return self.repeat(times);
  },
  toString: (self: string) => self,
  hashCode: (self) => javaHash(self),
};

const NUMBER_METHODS: Record<string, Method<number>> = {
  toString: (self: number) => String(self),
  intValue: (self) => Math.trunc(self) | 0,
  longValue: (self) => Math.trunc(self),
  doubleValue: (self) => self,
  floatValue: (self) => self,
  equals: (self, other) => typeof other === "number" && self === other,
  compareTo: (self, other) => Math.sign(self - (other as number)),
};

const BOOLEAN_METHODS: Record<string, Method<boolean>> = {
  toString: (self: boolean) => String(self),
  booleanValue: (self) => self,
  equals: (self, other) => self === other,
};

function listIndex(self: unknown[], index: unknown): number {
  const i = integer(index, "get");
  if (i < 0 || i >= self.length) throw templateFault(`get(${i}) is out of range for a list of size ${self.length}`);
  return i;
}

const LIST_METHODS: Record<string, Method<unknown[]>> = {
  size: (self) => self.length,
  isEmpty: (self) => self.length === 0,
  get: (self, index) => self[listIndex(self, index)],
  contains: (self, item) => self.includes(item),
  indexOf: (self, item) => self.indexOf(item),
  subList: (self, from, to) => self.slice(integer(from, "subList"), integer(to, "subList")),
  add: (self, item) => {
    self.push(item);
    return true;
  },
  toString: (self: unknown[]) => javaText(self),
};

const MAP_METHODS: Record<string, Method<Record<string, unknown>>> = {
  get: (self, key) => (Object.hasOwn(self, String(key)) ? self[String(key)] : undefined),
  containsKey: (self, key) => Object.hasOwn(self, String(key)),
  containsValue: (self, value) => Object.values(self).includes(value),
  isEmpty: (self) => Object.keys(self).length === 0,
  size: (self) => Object.keys(self).length,
  keySet: (self) => Object.keys(self),
  values: (self) => Object.values(self),
  entrySet: (self) => Object.entries(self).map(([key, value]) => ({ key, value })),
  put: (self, key, value) => {
    const name = String(key);
    const previous = Object.hasOwn(self, name) ? self[name] : undefined;
    // defineProperty, not assignment: put("__proto__", …) is a key in a Java Map, not the object's prototype.
    Object.defineProperty(self, name, { value, writable: true, enumerable: true, configurable: true });
    return previous;
  },
  toString: (self: Record<string, unknown>) => javaText(self),
};

function methodsFor(value: unknown): Record<string, Method<never>> | undefined {
  if (typeof value === "string") return STRING_METHODS as Record<string, Method<never>>;
  if (typeof value === "number") return NUMBER_METHODS as Record<string, Method<never>>;
  if (typeof value === "boolean") return BOOLEAN_METHODS as Record<string, Method<never>>;
  if (Array.isArray(value)) return LIST_METHODS as Record<string, Method<never>>;
  if (isPlainObject(value)) return MAP_METHODS as Record<string, Method<never>>;
  return undefined;
}

/**
 * The velocityjs `customMethodHandlers` that give template data Java's methods. Every method call on a string,
 * number, boolean, JSON array or JSON object is answered here (velocityjs asks these before its own), so no
 * JavaScript method leaks into a template: one Java lacks resolves to undefined.
 * @example
 * new Compile(parse('$s.replace("a", "b")'), { customMethodHandlers: JAVA_METHOD_HANDLERS }).render({ s: "aa" }) // "bb"
 */
export const JAVA_METHOD_HANDLERS: MethodHandler[] = [
  {
    uid: "cxda: java methods",
    match: ({ context }) => methodsFor(context) !== undefined,
    resolve: ({ property, context, params }) => {
      const table = methodsFor(context);
      const method = table !== undefined && Object.hasOwn(table, property) ? table[property] : undefined;
      return method === undefined ? undefined : (method as Method<unknown>)(context, ...params);
    },
  },
];

/**
 * Method calls on everything that is not data: a tool's own methods (`$esc.url(…)`, declared by its class) run, and
 * nothing else does. Without it velocityjs would call whatever JavaScript finds: Object.prototype's methods on a tool
 * (`$esc.__lookupGetter__('__proto__')` hands out prototypes a `#set` then pollutes, `$esc.valueOf()` prints
 * velocityjs' internals) and Function.prototype's on a method (`$esc.url.call(…)`, `.toString()` prints source).
 */
export const TOOL_METHOD_HANDLER: MethodHandler = {
  uid: "cxda: tool methods only",
  match: () => true,
  resolve: ({ property, context, params }) => {
    if (typeof context !== "object" || context === null) return undefined;
    // A Java getter of a field: `$esc.getQuote()` is `$esc.quote`.
    const getter = /^get([A-Z])(.*)$/.exec(property);
    if (getter !== null && params.length === 0) return toolProperty(context, getter[1]!.toLowerCase() + getter[2]!);
    const own = Object.getPrototypeOf(context) as object | null;
    if (own === null || own === Object.prototype || property === "constructor" || !Object.hasOwn(own, property)) return undefined;
    const method = (own as Record<string, unknown>)[property];
    return typeof method === "function" ? (method as (...args: unknown[]) => unknown).apply(context, params) : undefined;
  },
};

/**
 * What Java's property syntax gives on a data value: `$s.empty` is `isEmpty()`, `$s.blank` is `isBlank()`; a JSON
 * object's property is its own key only, never something inherited from JavaScript's Object.
 */
export function javaProperty(value: unknown, name: string): unknown {
  if (typeof value === "string") return name === "empty" ? value.length === 0 : name === "blank" ? value.trim().length === 0 : undefined;
  if (Array.isArray(value)) return name === "empty" ? value.length === 0 : undefined;
  if (isPlainObject(value)) return Object.hasOwn(value, name) ? value[name] : undefined;
  if (typeof value === "number" || typeof value === "boolean") return undefined;
  return PASS_THROUGH;
}

/**
 * A property of something that is not data (a tool): its own fields only (`$esc.d`, `$esc.q`), never a method or
 * anything inherited, which would hand a template a JavaScript function or prototype.
 */
export function toolProperty(value: unknown, name: string): unknown {
  if (typeof value !== "object" || value === null || !Object.hasOwn(value, name)) return undefined;
  const field = (value as Record<string, unknown>)[name];
  return typeof field === "function" ? undefined : field;
}

/** Returned by {@link javaProperty} for values that are not data (tools): velocityjs' own lookup applies. */
export const PASS_THROUGH: unique symbol = Symbol("pass-through");
