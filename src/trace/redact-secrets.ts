// Hides secret-looking fields (tokens, passwords, keys…) in payloads, outputs and messages before they are shown.

/** Keys whose values are never shown: token, secret, password, authorization, api key, access key (any case). */
/** The words that make a key secret-looking, shared by every place that hides secrets (reports, logs, recordings). */
const SECRET_WORDS = "token|secret|passw(?:or)?d|authori[sz]ation|api[-_]?key|access[-_]?key|private[-_]?key|credential";
export const SECRET_KEY = new RegExp(SECRET_WORDS, "i");

/** What a hidden value is replaced with. */
export const REDACTED = "[redacted]";

/**
 * A deep copy of `value` with the value of every secret-looking key replaced by `[redacted]`, at any depth
 * (objects inside arrays included). Other values are copied as they are.
 * @example
 * redactSecrets({ contact: { apiKey: "k-123", name: "Ada" } }); // { contact: { apiKey: "[redacted]", name: "Ada" } }
 */
export function redactSecrets<T>(value: T): T {
  const seen = new WeakSet<object>();
  const copy = (current: unknown): unknown => {
    if (typeof current !== "object" || current === null) return current;
    if (seen.has(current)) return "[circular]";
    seen.add(current);
    if (Array.isArray(current)) return current.map(copy);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(current)) out[key] = SECRET_KEY.test(key) ? REDACTED : copy(inner);
    return out;
  };
  return copy(value) as T;
}

/** True when a JSON Pointer (`/contact/apiKey`) or dotted path goes through a secret-looking key. */
export function isSecretPath(path: string | undefined): boolean {
  if (path === undefined) return false;
  return path.split(/[/.]/).some((segment) => segment !== "" && SECRET_KEY.test(segment));
}

// The key must not be the end of a path or URL ("/auth/token: 400 Bad Request" is a status, not a secret), and a
// Bearer/Basic value ends before closing brackets and separators.
const KEY_VALUE_TEXT = new RegExp(
  `(?<![\\w/.-])(["']?)([\\w-]*(?:${SECRET_WORDS})[\\w-]*)\\1(\\s*[:=]\\s*)("[^"]*"|'[^']*'|(?:Bearer|Basic)\\s+[^\\s,;)}\\]]+|[^\\s,;)}&\\]]+)`,
  "gi",
);

/**
 * Hides the values of secret-looking `key: value`, `"key": "value"` and `key=value` pairs inside free text
 * (log lines, messages). A best effort for text a transform wrote; structured data goes through {@link redactSecrets}.
 * @example
 * redactText('calling with token=abc123 for Ada'); // 'calling with token=[redacted] for Ada'
 */
export function redactText(text: string): string {
  return text.replace(KEY_VALUE_TEXT, (_match, quote: string, key: string, separator: string) => `${quote}${key}${quote}${separator}${REDACTED}`);
}
