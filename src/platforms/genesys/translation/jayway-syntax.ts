// Genesys' JSONPath dialect (Jayway's) rewritten as RFC 9535 text, and the Jayway-only syntax refused with a clear error.
import { CxdaError } from "../../../core/errors.js";

/**
 * Jayway's path functions (`$.items.length()`). Genesys documents none of them for translation maps (the pages
 * https://help.mypurecloud.com/articles/response-configuration-data-actions/ and
 * https://help.mypurecloud.com/articles/velocity-macros-data-actions/ mention JSONPath only as the translation map's
 * language), so cxda does not guess their edge cases (`length()` of an object, `sum()` of strings, `first()` of an
 * empty list): each is refused by name, and the message points to the Velocity side, which can do the same work.
 */
const JAYWAY_FUNCTIONS: readonly string[] = [
  "length",
  "size",
  "min",
  "max",
  "avg",
  "stddev",
  "sum",
  "keys",
  "first",
  "last",
  "index",
  "concat",
  "append",
];

/** Jayway's word operators inside filters (`[?(@.a in ['x'])]`); RFC 9535 has none of them. */
const JAYWAY_WORD_OPERATORS = /[\w\]'")]\s+(nin|in|subsetof|anyof|noneof|size|empty|contains)(?=[\s['"(\d-])/;

/** An RFC 9535 member-name-shorthand: what may follow a `.` without brackets. */
const RFC_SHORTHAND = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** Characters that end a dotted name in Jayway's compiler (`PathCompiler.readPropertyOrFunctionToken`). */
const NAME_END = new Set([".", "[", "("]);

function unsupported(source: string, what: string, todo: string): CxdaError {
  return new CxdaError("E_DEFINITION", `JSONPath "${source}": ${what}, which cxda does not support offline. ${todo}`, {
    context: { path: source },
  });
}

/** A name as an RFC 9535 bracketed name selector (`['first-name']`). */
function quoteName(name: string): string {
  let out = "";
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (char === "\\" || char === "'") out += `\\${char}`;
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `['${out}']`;
}

/** Where a quoted string that starts at `start` ends (the index of its closing quote), or -1 when it does not. */
function endOfQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i += 1) {
    if (text[i] === "\\") i += 1;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** Where the bracket that opens at `start` closes, skipping quoted strings and nested brackets; -1 when it does not. */
function endOfBracket(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (char === "'" || char === '"') {
      const end = endOfQuoted(text, i);
      if (end < 0) return -1;
      i = end;
    } else if (char === "[") depth += 1;
    else if (char === "]") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The text of a bracket with its string literals emptied, so operator checks do not look inside strings. */
function withoutStrings(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (char === "'" || char === '"') {
      const end = endOfQuoted(text, i);
      if (end < 0) return out + text.slice(i);
      out += `${char}${char}`;
      i = end;
    } else out += char;
  }
  return out;
}

/** Refuses Jayway-only syntax inside one bracket (`[...]`, filters included). */
function checkBracket(source: string, bracket: string): void {
  const code = withoutStrings(bracket);
  const method = /\.\s*([A-Za-z_]\w*)\s*\(/.exec(code);
  if (method) throw functionError(source, method[1] as string);
  if (/^\[\s*\?\s*\]$/.test(code)) {
    throw unsupported(source, "it has a Jayway placeholder filter `[?]`", "Write the condition inline: [?(@.x == 'y')].");
  }
  if (!code.startsWith("[") || !/^\[\s*\?/.test(code)) return;
  if (code.includes("=~") || code.includes("/")) {
    throw unsupported(
      source,
      "its filter uses Jayway's regular expression operator `=~ /…/`",
      "Use RFC 9535's match(@.x, 'regex') or search(@.x, 'regex') instead.",
    );
  }
  const word = JAYWAY_WORD_OPERATORS.exec(code);
  if (word) {
    throw unsupported(
      source,
      `its filter uses Jayway's \`${word[1] as string}\` operator`,
      "Rewrite it with ==, !=, <, <=, >, >=, && and || (e.g. `@.x in ['a','b']` as `@.x == 'a' || @.x == 'b'`).",
    );
  }
}

function functionError(source: string, name: string): CxdaError {
  const known = JAYWAY_FUNCTIONS.includes(name) ? `Jayway's path function ${name}()` : `a function call ${name}()`;
  return unsupported(
    source,
    `it calls ${known}`,
    "Map the value itself and compute in the success template instead (Velocity: ${list.size()}, $math).",
  );
}

/**
 * Genesys' JSONPath as RFC 9535 text. Jayway's compiler (which Genesys runs; its docs are silent on path syntax)
 * trims the path and puts `$.` before one that starts with neither `$` nor `@`; it reads a dotted name up to the next
 * `.`, `[` or `(` (so `$.first-name` is a name) and accepts `$.['a']`. RFC 9535 needs brackets for such names and no
 * dot before a bracket, so both are rewritten; a `(` after a name is a Jayway function and refused.
 * @example
 * toRfcPath("['participants'][0].first-name"); // "$['participants'][0]['first-name']"
 */
export function toRfcPath(source: string): string {
  const path = source.trim();
  if (path === "") throw new CxdaError("E_DEFINITION", 'JSONPath "": the path is empty. Write one such as "$.id".');
  if (path.startsWith("@")) {
    throw unsupported(source, "it starts with `@` (Jayway's current node)", "Start it at the root: $.…");
  }
  const text = path.startsWith("$") ? path : `$.${path}`;
  let out = "$";
  let i = 1;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === "[") {
      const end = endOfBracket(text, i);
      if (end < 0) {
        throw new CxdaError("E_DEFINITION", `JSONPath "${source}": a bracket opened at column ${columnOf(source, text, i)} is never closed.`, {
          context: { path: source },
        });
      }
      const bracket = text.slice(i, end + 1);
      checkBracket(source, bracket);
      out += bracket;
      i = end + 1;
    } else if (char === ".") {
      const descendant = text[i + 1] === ".";
      const start = descendant ? i + 2 : i + 1;
      if (text[start] === "[" && !descendant) {
        i = start; // Jayway's `$.['a']` is `$['a']`
        continue;
      }
      let end = start;
      while (end < text.length && !NAME_END.has(text[end] as string)) end += 1;
      const name = text.slice(start, end);
      if (text[end] === "(") throw functionError(source, name.trim());
      if (/\s/.test(name)) {
        throw new CxdaError(
          "E_DEFINITION",
          `JSONPath "${source}": the dotted name "${name}" holds a space, which Genesys (Jayway) refuses. Write it in brackets: ${quoteName(name.trim())}.`,
          { context: { path: source } },
        );
      }
      out += descendant ? ".." : ".";
      if (name === "*" || RFC_SHORTHAND.test(name) || name === "") out = name === "" ? out : out + name;
      else out = out.slice(0, descendant ? -2 : -1) + (descendant ? ".." : "") + quoteName(name);
      i = end;
    } else {
      // Anything else is left for the RFC 9535 parser to place and explain.
      out += text.slice(i);
      break;
    }
  }
  return out;
}

/** The column in the user's own text of an index in the normalised text (which may have gained a leading `$.`). */
function columnOf(source: string, text: string, index: number): number {
  const shift = text.length - source.trim().length;
  const lead = source.length - source.trimStart().length;
  return Math.max(1, index - shift + lead + 1);
}
