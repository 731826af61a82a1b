// Plausible values for the string formats ajv-formats knows, and a typical wrong value for each (for invalid mode).
import type { Random } from "./random.js";

/** What a format value may depend on: the draw, the instance's clock, and the field's name. */
export interface FormatContext {
  random: Random;
  /** The instance's "now" (epoch ms): dates and times are placed around it. */
  instantMs: number;
  /** Words of the field name, lower-case (`startDate` → ["start", "date"]). */
  words: readonly string[];
}

const HOUR = 3_600_000;
const FIRST_NAMES = ["avery", "jordan", "sam", "priya", "mateo", "lena", "noah", "amara", "chen", "olivia"] as const;
const LAST_NAMES = ["stone", "garcia", "patel", "kim", "novak", "okafor", "silva", "berg"] as const;
const MAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com"] as const;
const URL_PATHS = ["billing", "support", "callbacks", "accounts", "contacts"] as const;
const HOST_LABELS = ["api", "crm", "voice", "edge", "hooks"] as const;
const TEST_NETS = ["192.0.2", "198.51.100", "203.0.113"] as const;
const DURATIONS = ["PT30S", "PT5M", "PT15M", "PT1H30M", "P1D", "P2W"] as const;
const HEX = "0123456789abcdef";

function hex(random: Random, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += HEX[random.int(0, 15)];
  return out;
}

/**
 * An instant near the instance's clock: a field named like a start (`start`, `from`, `begin`, `created`, `last`)
 * lies before it, one named like an end (`end`, `to`, `until`, `due`, `expires`) after it, `timestamp`/`now` is it.
 */
export function instantFor(context: FormatContext): number {
  const { random, instantMs, words } = context;
  const has = (...names: string[]): boolean => words.some((w) => names.includes(w));
  if (has("timestamp", "now")) return instantMs;
  if (has("start", "from", "begin", "created", "last", "since", "opened", "previous"))
    return instantMs - random.int(1, 72) * HOUR - random.int(0, 59) * 60_000;
  if (has("end", "to", "until", "due", "expires", "expiry", "next", "scheduled", "callback"))
    return instantMs + random.int(1, 72) * HOUR + random.int(0, 59) * 60_000;
  return instantMs - random.int(0, 48) * HOUR - random.int(0, 3599) * 1000;
}

const DAY_MS = 86_400_000;
/** From 1970 to the end of year 9999, `toISOString` writes the plain `YYYY-MM-DDTHH:mm:ss.sssZ` form. */
const PLAIN_ISO_END_MS = 253_402_300_800_000;
/** The dates of the days seen so far: a run's instants fall on a few days around its clock. */
const dayTexts = new Map<number, string>();
const MAX_DAY_TEXTS = 1024;

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isPlainInstant(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 0 && ms < PLAIN_ISO_END_MS;
}

/** `YYYY-MM-DD` of a day counted from the epoch, written by Date once per day. */
function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    if (dayTexts.size >= MAX_DAY_TEXTS) dayTexts.clear();
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayTexts.set(day, text);
  }
  return text;
}

/** `HH:mm:ss` of a plain instant. */
function clockText(ms: number): string {
  const seconds = Math.floor((ms % DAY_MS) / 1000);
  return `${twoDigits(Math.floor(seconds / 3600))}:${twoDigits(Math.floor(seconds / 60) % 60)}:${twoDigits(seconds % 60)}`;
}

/**
 * Exactly `new Date(ms).toISOString()`, written without a Date for the instants generation makes (whole
 * milliseconds from 1970 to 9999): most values of a trigger are dates, and Date formatting is slow.
 * @example
 * isoDateTime(Date.UTC(2026, 10, 20, 9, 5)); // "2026-11-20T09:05:00.000Z"
 */
export function isoDateTime(ms: number): string {
  if (!isPlainInstant(ms)) return new Date(ms).toISOString();
  const millis = ms % 1000;
  return `${dayText(Math.floor(ms / DAY_MS))}T${clockText(ms)}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

/** Exactly `new Date(ms).toISOString().slice(0, 10)`. */
export function isoDate(ms: number): string {
  return isPlainInstant(ms) ? dayText(Math.floor(ms / DAY_MS)) : new Date(ms).toISOString().slice(0, 10);
}

function timeOf(ms: number): string {
  return `${isPlainInstant(ms) ? clockText(ms) : new Date(ms).toISOString().slice(11, 19)}Z`;
}

/** A plausible e-mail address at a reserved example domain. */
export function emailAddress(random: Random): string {
  return `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}@${random.pick(MAIL_DOMAINS)}`;
}

/** A random version-4 UUID from the seeded stream. */
export function uuid(random: Random): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${"89ab"[random.int(0, 3)]}${hex(random, 3)}-${hex(random, 12)}`;
}

const GENERATORS: Readonly<Record<string, (context: FormatContext) => string>> = {
  "date-time": (c) => isoDateTime(instantFor(c)),
  "iso-date-time": (c) => isoDateTime(instantFor(c)),
  date: (c) => isoDate(instantFor(c)),
  time: (c) => timeOf(instantFor(c)),
  "iso-time": (c) => timeOf(instantFor(c)),
  duration: (c) => c.random.pick(DURATIONS),
  email: (c) => emailAddress(c.random),
  "idn-email": (c) => emailAddress(c.random),
  uri: (c) => `https://www.example.com/${c.random.pick(URL_PATHS)}/${c.random.digits(5)}`,
  url: (c) => `https://www.example.com/${c.random.pick(URL_PATHS)}/${c.random.digits(5)}`,
  iri: (c) => `https://www.example.com/${c.random.pick(URL_PATHS)}/${c.random.digits(5)}`,
  "uri-reference": (c) => `/${c.random.pick(URL_PATHS)}/${c.random.digits(5)}`,
  "iri-reference": (c) => `/${c.random.pick(URL_PATHS)}/${c.random.digits(5)}`,
  "uri-template": (c) => `https://api.example.com/${c.random.pick(URL_PATHS)}/{id}`,
  hostname: (c) => `${c.random.pick(HOST_LABELS)}.example.com`,
  "idn-hostname": (c) => `${c.random.pick(HOST_LABELS)}.example.com`,
  ipv4: (c) => `${c.random.pick(TEST_NETS)}.${c.random.int(1, 254)}`,
  ipv6: (c) => `2001:db8::${hex(c.random, 4)}:${hex(c.random, 4)}`,
  uuid: (c) => uuid(c.random),
  regex: (c) => c.random.pick(["^[A-Z]{3}-\\d{4}$", "^rec-", "[a-z]+"]),
  "json-pointer": (c) => c.random.pick(["/contact/attributes/tier", "/data/customFields", "/interaction/id"]),
  "json-pointer-uri-fragment": (c) => c.random.pick(["#/contact/attributes", "#/data"]),
  "relative-json-pointer": (c) => c.random.pick(["0", "1/id", "2/attributes"]),
  byte: (c) => Buffer.from(`cxda-${c.random.digits(6)}`).toString("base64"),
  password: (c) => `Pw-${c.random.digits(8)}`,
  binary: (c) => `bin-${c.random.digits(6)}`,
};

/** A typical mistake per format: what a person or a system sends when they get the format wrong. */
const BROKEN: Readonly<Record<string, string>> = {
  "date-time": "20/11/2026 10:00",
  "iso-date-time": "20/11/2026 10:00",
  date: "2026-13-45",
  time: "25:61:00",
  "iso-time": "25:61:00",
  duration: "15 minutes",
  email: "customer.example.com",
  "idn-email": "customer.example.com",
  uri: "www.example.com/no scheme",
  url: "www.example.com/no scheme",
  iri: "www.example.com/no scheme",
  hostname: "-bad_host-.example",
  "idn-hostname": "-bad_host-.example",
  ipv4: "300.1.2.3",
  ipv6: "2001:db8:::1",
  uuid: "1234-not-a-uuid",
  regex: "[unclosed",
  "json-pointer": "contact/id",
  "relative-json-pointer": "/not-relative",
  byte: "not base64!",
};

/** Formats ajv applies to numbers, with the range they allow. */
const NUMBER_FORMATS: Readonly<Record<string, { min: number; max: number; integer: boolean }>> = {
  int32: { min: -2147483648, max: 2147483647, integer: true },
  int64: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, integer: true },
  float: { min: -3.4e38, max: 3.4e38, integer: false },
  double: { min: -Number.MAX_VALUE, max: Number.MAX_VALUE, integer: false },
};

/**
 * A plausible string in `format`, or `undefined` for a format there is no generator for.
 * @example
 * formatValue("email", { random, instantMs, words: ["email"] }); // "priya.novak@example.org"
 */
export function formatValue(format: string, context: FormatContext): string | undefined {
  return GENERATORS[format]?.(context);
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

function letters(random: Random, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += LETTERS[random.int(0, 25)];
  return out;
}

/**
 * A value in `format` built to a length in `[min, max]`, for the formats whose values stretch (e-mail, hostname, URI),
 * when the plausible values do not fit the length limits; `undefined` when the format cannot be stretched that far.
 * @example
 * fittedFormatValue("email", random, 0, 10); // e.g. "qmxz@ex.io"
 */
export function fittedFormatValue(format: string, random: Random, min: number, max: number | undefined): string | undefined {
  const shapes: Record<string, { fixed: number; build: (filler: string) => string; least: number }> = {
    email: { fixed: 6, least: 1, build: (f) => `${f}@ex.io` },
    "idn-email": { fixed: 6, least: 1, build: (f) => `${f}@ex.io` },
    hostname: { fixed: 3, least: 1, build: (f) => `${f}.io` },
    "idn-hostname": { fixed: 3, least: 1, build: (f) => `${f}.io` },
    uri: { fixed: 4, least: 1, build: (f) => `urn:${f}` },
    iri: { fixed: 4, least: 1, build: (f) => `urn:${f}` },
  };
  const shape = shapes[format];
  if (shape === undefined) return undefined;
  const low = Math.max(min, shape.fixed + shape.least);
  const high = Math.min(max ?? low + 8, shape.fixed + 63);
  if (high < low) return undefined;
  return shape.build(letters(random, random.int(low, high) - shape.fixed));
}

/** A value that breaks `format`, or `undefined` when there is no typical mistake for it. */
export function brokenFormatValue(format: string): string | undefined {
  return BROKEN[format];
}

/** The range a number format (`int32`, `int64`, `float`, `double`) allows, or `undefined` for a string format. */
export function numberFormatRange(format: string): { min: number; max: number; integer: boolean } | undefined {
  return NUMBER_FORMATS[format];
}
