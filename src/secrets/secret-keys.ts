// What makes a key or a path secret-looking, and what a hidden value is replaced with: shared by every place that hides secrets.

/** The words that make a key secret-looking, shared by every place that hides secrets (reports, logs, recordings). */
export const SECRET_WORDS = "token|secret|passw(?:or)?d|authori[sz]ation|api[-_]?key|access[-_]?key|private[-_]?key|credential";

/** Keys whose values are never shown: token, secret, password, authorization, api key, access key (any case). */
export const SECRET_KEY = new RegExp(SECRET_WORDS, "i");

/** What a hidden value is replaced with. */
export const REDACTED = "[redacted]";

/** Whether each key seen so far looks secret: triggers repeat their keys, so the pattern runs once per key. */
const secretKeys = new Map<string, boolean>();

/**
 * True when `key` looks like it holds a secret ({@link SECRET_KEY}), remembered per key.
 * @example
 * isSecretKey("apiKey"); // true
 * isSecretKey("tier"); // false
 */
export function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    // Keys of generated objects can be endless: remember a bounded number.
    if (secretKeys.size < 10_000) secretKeys.set(key, secret);
  }
  return secret;
}

/**
 * True when a JSON Pointer (`/contact/apiKey`) or dotted path goes through a secret-looking key.
 * @example
 * isSecretPath("/contact/apiKey"); // true
 */
export function isSecretPath(path: string | undefined): boolean {
  if (path === undefined) return false;
  return path.split(/[/.]/).some((segment) => segment !== "" && SECRET_KEY.test(segment));
}
