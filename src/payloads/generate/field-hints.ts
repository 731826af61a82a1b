// Realistic values chosen from a field's name: `customerId` looks like CUST-1234, `email` like an address, `startDate` like a date.
import { emailAddress, instantFor, isoDate, isoDateTime, uuid } from "./format-values.js";
import type { Random } from "./random.js";

/** What a hint may look at: the field's name (split into words), its siblings built so far, the clock. */
export interface HintContext {
  random: Random;
  instantMs: number;
  /** The property name, or the array's name for its items. */
  name: string | undefined;
  /** Properties of the enclosing object generated before this one. */
  siblings: Readonly<Record<string, unknown>> | undefined;
  /** The data action the trigger is addressed to. */
  dataActionId: string;
}

/** Categorical names and the values a real system sends for them. */
const POOLS: Readonly<Record<string, readonly string[]>> = {
  direction: ["inbound", "outbound"],
  status: ["active", "completed", "on-hold", "wrap-up"],
  environment: ["sandbox", "production"],
  env: ["sandbox", "production"],
  disposition: ["callback_requested", "resolved", "escalated", "voicemail", "no_answer"],
  tier: ["premium", "standard", "gold", "basic"],
  customertier: ["premium", "standard", "gold", "basic"],
  issuecategory: ["billing", "technical", "account", "general"],
  category: ["billing", "technical", "account", "general"],
  priority: ["high", "standard", "low"],
  language: ["en-US", "en-GB", "es-ES", "de-DE", "fr-FR"],
  locale: ["en-US", "en-GB", "es-ES", "de-DE", "fr-FR"],
  country: ["US", "GB", "DE", "ES", "FR"],
  countrycode: ["US", "GB", "DE", "ES", "FR"],
  currency: ["USD", "EUR", "GBP"],
  timezone: ["America/New_York", "Europe/London", "Europe/Berlin", "Asia/Singapore"],
  mediatype: ["voice", "chat", "email", "message"],
  queuename: ["Billing", "Support", "Sales", "Retention"],
  sentiment: ["positive", "neutral", "negative"],
  wrapupcode: ["WU-01", "WU-02", "WU-04", "WU-07", "WU-09"],
};

/** The channel a real interaction of each type arrives on. */
const CHANNEL_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  voice: ["phone", "sip"],
  call: ["phone", "sip"],
  chat: ["web-chat", "mobile-chat"],
  email: ["email"],
  sms: ["sms"],
  social: ["facebook", "twitter", "whatsapp"],
  message: ["sms", "whatsapp", "web-messaging"],
};
const CHANNELS = ["phone", "web-chat", "email", "sms", "whatsapp"] as const;
const MESSENGER_TYPES = ["sms", "whatsapp", "facebook", "line"] as const;
const TAGS = ["vip-callback", "billing-dispute", "churn-risk", "follow-up", "escalated"] as const;
const FIRST = ["Avery", "Jordan", "Sam", "Priya", "Mateo", "Lena", "Noah", "Amara", "Chen", "Olivia"] as const;
const LAST = ["Stone", "Garcia", "Patel", "Kim", "Novak", "Okafor", "Silva", "Berg"] as const;
const COMPANIES = ["Acme Telecom", "Globex Energy", "Initech Insurance", "Umbrella Health"] as const;
const SUBJECTS = ["Billing question", "Callback request", "Card declined", "Update contact details", "Service outage"] as const;
const SENTENCES = [
  "Customer asked for a callback about a duplicate charge.",
  "Caller wants to change the billing address.",
  "Follow up on the refund requested last week.",
  "Customer reported intermittent service since Monday.",
  "Please confirm the appointment by text message.",
] as const;
const CITIES = ["Springfield", "Riverton", "Lakeside", "Fairview"] as const;

/** Id prefixes used by the reference trigger and by common contact-center records. */
const ID_PREFIX: Readonly<Record<string, (c: HintContext) => string>> = {
  dataaction: (c) => c.dataActionId,
  trigger: (c) => `tr-${c.random.digits(6)}`,
  interaction: (c) => `i-${c.random.digits(6)}`,
  contact: (c) => `c-${c.random.digits(6)}`,
  agent: (c) => `ag-${c.random.digits(6)}`,
  customer: (c) => `CUST-${c.random.digits(4)}`,
  external: (c) => `EXT-${c.random.digits(4)}`,
  record: (c) => `rec-${c.random.digits(6)}`,
  case: (c) => `CASE-${c.random.digits(6)}`,
  ticket: (c) => `TCK-${c.random.digits(6)}`,
  order: (c) => `ORD-${c.random.digits(6)}`,
  account: (c) => `ACC-${c.random.digits(6)}`,
  // Genesys Cloud and most platform APIs identify these by UUID.
  conversation: (c) => uuid(c.random),
  queue: (c) => uuid(c.random),
  script: (c) => uuid(c.random),
  user: (c) => uuid(c.random),
  flow: (c) => uuid(c.random),
  session: (c) => uuid(c.random),
  division: (c) => uuid(c.random),
  participant: (c) => uuid(c.random),
};

function phoneNumber(random: Random): string {
  // 555-01xx numbers are reserved for fiction.
  return `+1${random.pick(["317", "415", "212", "646"])}55501${random.digits(2).slice(0, 2)}`;
}

function personName(random: Random): string {
  return `${random.pick(FIRST)} ${random.pick(LAST)}`;
}

/** Draws one hinted string for a value of a given name. */
type Draw = (context: HintContext) => string | undefined;

/** What a name says about its values, worked out once per name: hints are asked for every value of every instance. */
interface NameHints {
  words: readonly string[];
  pooled: Draw | undefined;
  shaped: Draw | undefined;
  number: Readonly<NumberHint> | undefined;
}

/** Names seen in one process are few (a schema's properties), but generated property names are not: the cache starts over past this. */
const NAME_CACHE_LIMIT = 4096;
const hintsByName = new Map<string, NameHints>();
const UNNAMED: NameHints = { words: [], pooled: undefined, shaped: undefined, number: undefined };

function splitWords(name: string): string[] {
  return (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((w) => w.toLowerCase());
}

function hintsOf(name: string | undefined): NameHints {
  if (name === undefined) return UNNAMED;
  let hints = hintsByName.get(name);
  if (hints === undefined) {
    if (hintsByName.size >= NAME_CACHE_LIMIT) hintsByName.clear();
    const words = splitWords(name);
    hints = { words, pooled: poolDraw(words), shaped: shapeDraw(words), number: numberRange(words) };
    hintsByName.set(name, hints);
  }
  return hints;
}

/**
 * Splits a property name into lower-case words: `customerId` → ["customer", "id"], `PHONE_NUMBER` → ["phone", "number"],
 * `ConversationID` → ["conversation", "id"].
 * @example
 * wordsOf("toAddressMessengerType"); // ["to", "address", "messenger", "type"]
 */
export function wordsOf(name: string | undefined): string[] {
  return [...hintsOf(name).words];
}

/** The draw for a categorical name, or `undefined` when the name has no pool. */
function poolDraw(words: readonly string[]): Draw | undefined {
  const joined = words.join("");
  if (joined === "") return undefined;
  if (joined === "channel") {
    return (context) => {
      const type = context.siblings?.["type"] ?? context.siblings?.["mediaType"];
      const matching = typeof type === "string" ? CHANNEL_BY_TYPE[type.toLowerCase()] : undefined;
      return context.random.pick(matching ?? CHANNELS);
    };
  }
  if (words.includes("messenger")) return (context) => context.random.pick(MESSENGER_TYPES);
  const pool = POOLS[joined];
  return pool === undefined ? undefined : (context) => context.random.pick(pool);
}

/**
 * A value drawn from the plausible values for a categorical name (`status`, `channel`, `tier`…), or `undefined`.
 * A `channel` follows the `type` generated before it (a chat arrives on web-chat, a voice call on phone).
 */
export function pooledString(context: HintContext): string | undefined {
  return hintsOf(context.name).pooled?.(context);
}

/** A `value` beside a `type` sibling (a contact point): shaped like that type, or `undefined`. */
function valueOfType(context: HintContext): string | undefined {
  const { random } = context;
  const sibling = context.siblings?.["type"];
  if (typeof sibling !== "string") return undefined;
  const type = sibling.toLowerCase();
  if (type.includes("phone") || type.includes("sms")) return phoneNumber(random);
  if (type.includes("email")) return emailAddress(random);
  if (type.includes("cookie")) return uuid(random);
  if (type.includes("social") || type.includes("twitter") || type.includes("facebook"))
    return `@${random.pick(FIRST).toLowerCase()}_${random.pick(LAST).toLowerCase()}`;
  return undefined;
}

/** The draw for a name that says what its string holds; the checks run in order, the first that applies wins. */
function shapeDraw(words: readonly string[]): Draw | undefined {
  const joined = words.join("");
  if (joined === "") return undefined;
  const byName = shapeByName(words, joined);
  if (joined !== "value") return byName;
  return (context) => valueOfType(context) ?? byName?.(context);
}

function shapeByName(words: readonly string[], joined: string): Draw | undefined {
  const last = words.at(-1);
  const has = (...names: string[]): boolean => words.some((w) => names.includes(w));
  const instant = (context: HintContext): number => instantFor({ random: context.random, instantMs: context.instantMs, words });
  const userName = ({ random }: HintContext): string => `${random.pick(FIRST).toLowerCase()}.${random.pick(LAST).toLowerCase()}`;

  if (has("email", "mail")) return ({ random }) => emailAddress(random);
  if (
    has("phone", "mobile", "msisdn", "ani", "dnis", "cell", "fax") ||
    ["callbacknumber", "fromaddress", "toaddress", "phonenumber"].includes(joined)
  )
    return ({ random }) => phoneNumber(random);
  if (has("url", "uri", "link", "website", "href", "webhook"))
    return ({ random }) => `https://www.example.com/${random.pick(["callbacks", "contacts", "cases"])}/${random.digits(5)}`;
  if (has("tag", "tags", "label", "labels")) return ({ random }) => random.pick(TAGS);
  if (joined === "date" || joined === "day" || has("birthday", "dob") || (has("birth") && last === "date"))
    return (context) => isoDate(instant(context));
  if (has("timestamp", "datetime", "updated", "created", "modified") || last === "date" || last === "time" || last === "at")
    return (context) => isoDateTime(instant(context));
  // "conversationid" written as one word still names a conversation id.
  const glued = words.length === 1 && joined.endsWith("id") && ID_PREFIX[joined.slice(0, -2)] !== undefined ? joined.slice(0, -2) : undefined;
  if (last === "id" || last === "ids" || glued !== undefined) {
    const key = glued ?? words.slice(0, -1).join("");
    const prefixed = ID_PREFIX[key] ?? ID_PREFIX[words[0] ?? ""];
    if (prefixed !== undefined) return prefixed;
    const prefix = key === "" ? "id" : key;
    return ({ random }) => `${prefix}-${random.digits(6)}`;
  }
  if (has("name", "names")) {
    if (has("first", "given")) return ({ random }) => random.pick(FIRST);
    if (has("last", "family", "surname")) return ({ random }) => random.pick(LAST);
    if (has("queue")) {
      const queues = POOLS["queuename"] ?? ["Support"];
      return ({ random }) => random.pick(queues);
    }
    if (has("company", "organization", "organisation", "org", "business")) return ({ random }) => random.pick(COMPANIES);
    if (has("file")) return ({ random }) => `report-${random.digits(4)}.pdf`;
    if (has("user", "login")) return userName;
    return ({ random }) => personName(random);
  }
  if (has("username", "login", "handle")) return userName;
  if (joined === "key" || last === "key") return ({ random }) => `key-${random.digits(6)}`;
  if (last === "code") {
    const prefix = (words[0] ?? "c").slice(0, 2).toUpperCase();
    return ({ random }) => `${prefix}-${random.digits(2)}`;
  }
  if (has("reference", "ref")) return ({ random }) => `REF-${random.digits(6)}`;
  if (has("subject", "title", "topic")) return ({ random }) => random.pick(SUBJECTS);
  if (has("description", "body", "message", "text", "comment", "comments", "note", "notes", "summary", "reason", "content"))
    return ({ random }) => random.pick(SENTENCES);
  if (has("city", "town")) return ({ random }) => random.pick(CITIES);
  if (has("zip", "postal", "postcode")) return ({ random }) => random.digits(5);
  if (has("street", "address")) return ({ random }) => `${random.int(1, 240)} Harbour Street`;
  if (has("number", "account")) return ({ random }) => random.digits(8);
  return undefined;
}

/**
 * A string shaped like what the field's name says it holds (an id, an e-mail, a phone number, a date…), or `undefined`.
 * @example
 * shapedString({ random, instantMs, name: "customerId", siblings: undefined, dataActionId: "da-1" }); // "CUST-4821"
 */
export function shapedString(context: HintContext): string | undefined {
  return hintsOf(context.name).shaped?.(context);
}

/** A range that looks right for a numeric field, by its name; `decimals` 0 means whole numbers. */
export interface NumberHint {
  min: number;
  max: number;
  decimals: number;
}

function numberRange(words: readonly string[]): Readonly<NumberHint> | undefined {
  const has = (...names: string[]): boolean => words.some((w) => names.includes(w));
  const range = (min: number, max: number, decimals: number): Readonly<NumberHint> => Object.freeze({ min, max, decimals });
  if (has("score", "rating", "csat", "percent", "percentage", "pct")) return range(0, 100, 0);
  if (has("nps")) return range(-100, 100, 0);
  if (has("age")) return range(18, 90, 0);
  if (has("amount", "price", "balance", "cost", "fee", "charge", "revenue", "total")) return range(5, 500, 2);
  if (has("latitude", "lat")) return range(-90, 90, 4);
  if (has("longitude", "lng", "lon")) return range(-180, 180, 4);
  if (has("duration", "seconds", "secs", "wait", "timeout", "elapsed")) return range(5, 900, 0);
  if (has("priority", "level", "severity")) return range(1, 5, 0);
  if (has("year")) return range(2020, 2030, 0);
  if (has("port")) return range(1024, 65535, 0);
  if (has("attempt", "attempts", "retries", "retry")) return range(0, 5, 0);
  if (has("count", "max", "limit", "results", "size", "quantity", "qty", "num", "number", "page", "items")) return range(1, 50, 0);
  return undefined;
}

/**
 * A plausible range for a number field, from its name: a score is 0–100, an amount has cents, a count is small.
 * The range is shared by every call for the name: it is frozen.
 * @example
 * numberHint("resolutionScore"); // { min: 0, max: 100, decimals: 0 }
 */
export function numberHint(name: string | undefined): Readonly<NumberHint> | undefined {
  return hintsOf(name).number;
}

const WORDS = ["alpha", "harbor", "summit", "maple", "cedar", "orbit", "delta", "river", "falcon", "quartz", "meadow", "ember"] as const;

/** Readable filler of exactly `length` characters (lower-case words joined by "-"). */
export function fillerText(random: Random, length: number): string {
  let out = "";
  while (out.length < length) out += (out === "" ? "" : "-") + random.pick(WORDS);
  return out.slice(0, length).replace(/-$/, "x");
}
