// Credentials in a declarative action's templates (`${credentials.NAME}`): inside the sandbox they render as
// placeholders; only cxda's own process, sending a live request, puts the values in.
import { randomBytes } from "node:crypto";

/**
 * A marker only this process knows: a credential's placeholder carries it, so an input that writes a placeholder's
 * text cannot have a credential filled in where the templates did not ask for one.
 */
const RUN_MARK = randomBytes(6).toString("hex");

/** The text a template's `${credentials.NAME}` prints inside the sandbox: a placeholder, never the value. */
export function credentialPlaceholder(name: string): string {
  return `{{cxda-credential-${RUN_MARK}:${name}}}`;
}

/** This process's placeholders, with the name as group 1. */
export function placeholderPattern(): RegExp {
  return new RegExp(`\\{\\{cxda-credential-${RUN_MARK}:([A-Za-z_]\\w*)\\}\\}`, "g");
}

/** Any run's placeholder (the worker holds another process's marker). */
const ANY_PLACEHOLDER = /\{\{cxda-credential-[0-9a-f]+:([A-Za-z_]\w*)\}\}/g;

/** `text` with credential placeholders written as the reference they stand for (`${credentials.token}`): how the trace and `expect.request` see them. */
export function showCredentials(text: string): string {
  return text.replace(ANY_PLACEHOLDER, (_whole, name: string) => `\${credentials.${name}}`);
}

/** The credential names a set of templates reads (`${credentials.clientSecret}`, `$credentials.user`), in order. */
export function credentialNames(templates: Iterable<string | undefined>): string[] {
  const names = new Set<string>();
  for (const template of templates) for (const match of (template ?? "").matchAll(/\$!?\{?credentials\.([A-Za-z_][\w]*)/g)) names.add(match[1]!);
  return [...names];
}
