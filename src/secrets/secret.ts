// A wrapper that keeps credentials out of logs, JSON and inspection: only reveal() gives the value.
import { inspect } from "node:util";
import { REDACTED } from "./secret-keys.js";
import { scrub } from "./scrub.js";

/**
 * Holds a secret value (client secret, access key secret, token) so that printing, logging or
 * serialising the object that carries it shows `[redacted]` instead of the value.
 * @example
 * const secret = new Secret(process.env.CXONE_CLIENT_SECRET ?? "");
 * JSON.stringify({ secret }); // {"secret":"[redacted]"}
 * secret.reveal(); // the value, for the one place that sends it
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The raw value. Call it only where the value is sent to the platform. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Replaces every occurrence of the given secret values in `text` with `[redacted]`.
 * A last line of defence for text that came from elsewhere (an error body, a cause's message).
 * @example
 * redact("bad secret s3cr3t", [new Secret("s3cr3t")]); // "bad secret [redacted]"
 */
export function redact(text: string, secrets: ReadonlyArray<Secret | string | undefined>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    const value = secret instanceof Secret ? secret.reveal() : secret;
    // Very short values would redact ordinary words; real credentials are longer than this.
    if (value === undefined || value.length < 4) continue;
    // A server that echoes the request shows a secret as it was sent: URL-encoded, or form-encoded in a token request body.
    forms
      .add(value)
      .add(encodeURIComponent(value))
      .add(new URLSearchParams([["", value]]).toString().slice(1));
  }
  // Longest first, so a secret inside another one (or inside its encoding) cannot leave a fragment behind.
  const longestFirst = [...forms].sort((a, b) => b.length - a.length);
  return scrub(text, longestFirst);
}
