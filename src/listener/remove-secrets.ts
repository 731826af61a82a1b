// Strips secret-looking fields (tokens, passwords, API keys, authorization values) from a trigger before it is written to disk.
import { SECRET_KEY } from "../trace/redact-secrets.js";
import { escapePointerSegment } from "../validation/json-pointer.js";

/** Values that carry credentials whatever their key is called: an HTTP auth scheme followed by one token (not prose). */
const SECRET_VALUE = /^\s*(?:(?:bearer|basic)\s+[\w.~+/=-]{8,}\s*$|digest\s+username=)/i;

/** A copy of the value without its secrets, and the JSON Pointers of what was taken out. */
export interface SecretsRemoved<T> {
  value: T;
  /** JSON Pointers of the removed fields, in document order. */
  removed: string[];
}

/**
 * Returns a copy of `value` without the properties whose key looks like a secret (`apiToken`, `client_secret`,
 * `Password`, `authorization`, `apiKey`, `api_key`, `access_key`…) or whose value is an HTTP credential
 * (`Bearer …`, `Basic …`), at any depth, in objects and arrays. The key list errs on the side of removing:
 * a `tokenCount` goes too. `value` is not changed.
 * @example
 * removeSecrets({ contact: { attributes: { apiToken: "t-1", tier: "gold" } } });
 * // { value: { contact: { attributes: { tier: "gold" } } }, removed: ["/contact/attributes/apiToken"] }
 */
export function removeSecrets<T>(value: T): SecretsRemoved<T> {
  const removed: string[] = [];
  const walk = (current: unknown, pointer: string): unknown => {
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
      if (SECRET_KEY.test(key) || (typeof inner === "string" && SECRET_VALUE.test(inner))) {
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
