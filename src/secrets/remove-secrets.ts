// Strips secrets from a trigger before it is written to disk: secret-looking fields (tokens, passwords, API keys,
// authorization values), and inside any string: credentials in URLs, token-like query parameters, card numbers.
import { escapePointerSegment } from "../validation/json-pointer.js";
import { isSecretKey, REDACTED, SECRET_KEY } from "./secret-keys.js";

/** Values that carry credentials whatever their key is called: an HTTP auth scheme followed by one token (not prose). */
const SECRET_VALUE = /^\s*(?:(?:bearer|basic)\s+[\w.~+/=-]{8,}\s*$|digest\s+username=)/i;

/** The userinfo of a URL (`https://user:pass@host`, `https://TOKEN@host`): up to the last `@` before the path. */
const URL_USERINFO = /\b([a-z][a-z\d+.-]*:\/\/)[^\s/?#]*@/gi;

/** One `name=value` of a query string or fragment (`?access_token=…`, `#access_token=…` from OAuth redirects). */
const QUERY_PARAM = /([?&#;])([^=&#;\s]+)=([^&#;\s"'<>]*)/g;

/** Query parameter names that carry credentials besides the secret-looking words: short forms and signatures. */
const SECRET_PARAM = /^(?:key|sig|code|auth|pwd|jwt|otp|sid)$|signature|session/i;

/**
 * 13 to 19 digits, single spaces or dashes allowed between them, not part of a longer run of digits. Only runs that
 * pass the Luhn check are taken as card numbers; about one in ten other long numbers in a string (a 13-digit epoch in
 * ms, an id) passes it too and is redacted as well: a recording that loses an id is cheaper than one that keeps a card.
 */
const CARD_LIKE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A malformed escape is judged as written.
  }
  return SECRET_KEY.test(decoded) || SECRET_PARAM.test(decoded);
}

/**
 * `text` with its secrets replaced by `[redacted]`: the userinfo of URLs (`https://[redacted]@host/…`), the values
 * of token-like query parameters (`?access_token=[redacted]`, `token`, `api_key`, `key`, `sig`, `signature`, `secret`,
 * `password`, `client_secret`, `code`…) and card-number-like runs of digits (see `CARD_LIKE`). Everything else is kept.
 * @example
 * redactSecretText("https://bot:hunter2@hooks.example/cb?code=abc&lang=en");
 * // "https://[redacted]@hooks.example/cb?code=[redacted]&lang=en"
 */
export function redactSecretText(text: string): string {
  return text
    .replace(URL_USERINFO, (_match, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(QUERY_PARAM, (match, separator: string, name: string, value: string) =>
      value !== "" && value !== REDACTED && isSecretParam(name) ? `${separator}${name}=${REDACTED}` : match,
    )
    .replace(CARD_LIKE, (match) => (passesLuhn(match.replace(/[ -]/g, "")) ? REDACTED : match));
}

/** A copy of the value without its secrets, and the JSON Pointers of what was taken out. */
export interface SecretsRemoved<T> {
  value: T;
  /** JSON Pointers of the fields removed, and of the strings a part of which was redacted, in document order. */
  removed: string[];
}

/**
 * Returns a copy of `value` without the properties whose key looks like a secret (`apiToken`, `client_secret`,
 * `Password`, `authorization`, `apiKey`, `api_key`, `access_key`…) or whose value is an HTTP credential
 * (`Bearer …`, `Basic …`), at any depth, in objects and arrays. The key list errs on the side of removing:
 * a `tokenCount` goes too. In every other string, credentials in URLs, token-like query parameters and card numbers
 * are replaced by `[redacted]` ({@link redactSecretText}). `value` is not changed.
 * @example
 * removeSecrets({ contact: { attributes: { apiToken: "t-1", tier: "gold" } } });
 * // { value: { contact: { attributes: { tier: "gold" } } }, removed: ["/contact/attributes/apiToken"] }
 */
export function removeSecrets<T>(value: T): SecretsRemoved<T> {
  const removed: string[] = [];
  const walk = (current: unknown, pointer: string): unknown => {
    if (typeof current === "string") {
      const redacted = redactSecretText(current);
      if (redacted !== current) removed.push(pointer);
      return redacted;
    }
    if (Array.isArray(current)) {
      const out: unknown[] = [];
      current.forEach((item, i) => {
        if (typeof item === "string" && SECRET_VALUE.test(item)) removed.push(`${pointer}/${i}`);
        else out.push(walk(item, `${pointer}/${i}`));
      });
      return out;
    }
    if (typeof current !== "object" || current === null) return current;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(current)) {
      const at = `${pointer}/${escapePointerSegment(key)}`;
      if (isSecretKey(key) || (typeof inner === "string" && SECRET_VALUE.test(inner))) {
        removed.push(at);
        continue;
      }
      // defineProperty keeps a "__proto__" key as plain data.
      Object.defineProperty(out, key, { value: walk(inner, at), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return { value: walk(value, "") as T, removed };
}
