// Java regular expressions and replacement strings read into JavaScript's, for String.replaceAll/replaceFirst/split/matches.
//
// Genesys runs templates on the JVM, so a pattern in `$input.x.replaceAll("\\s+", "-")` is a java.util.regex.Pattern.
// Most of its syntax means the same in JavaScript; the parts that would silently mean something else there (inline
// flags, \Q…\E, \A \z \Z, \s \v \e \a \0ooo \x{…}, `.` `$` `^` and Java's line terminators, a ] first in a class, nested
// classes and &&, \p{…}) are translated or refused here, never passed through.
import { CxdaError } from "../../../core/errors.js";

/** A fault inside a template method: the renderer adds the reference and its line:column. */
export function templateFault(message: string): CxdaError {
  return new CxdaError("E_TEMPLATE", message);
}

// Escapes whose JavaScript meaning (without the `u` flag, a plain letter) differs from Java's and that have no
// short translation; refusing them beats matching the wrong text.
const REFUSED_ESCAPES = new Set(["p", "P", "G", "R", "X", "h", "H", "V", "K"]);

function quoteLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Java's line terminators (without UNIX_LINES): `.` matches none of them; `$` and `^` (MULTILINE) meet them. */
const JAVA_LINE_ENDS = "\\n\\r\\u0085\\u2028\\u2029";
/** Java's `$`: the end of the input, or before one line terminator (\r\n counted as one) that ends it. */
const JAVA_DOLLAR = `(?=(?:\\r\\n|[${JAVA_LINE_ENDS}])?(?![\\s\\S]))`;
/** `$` under (?m): before any line terminator but never between \r and \n, or at the end. */
const JAVA_LINE_END_MULTILINE = `(?:(?=[\\r\\u0085\\u2028\\u2029])|(?<!\\r)(?=\\n)|(?![\\s\\S]))`;
/** `^` under (?m): at the start, or after a line terminator (not between \r and \n) that does not end the input. */
const JAVA_LINE_START_MULTILINE = `(?:(?<![\\s\\S])|(?:(?<=[\\n\\u0085\\u2028\\u2029])|(?<=\\r)(?!\\n))(?=[\\s\\S]))`;
/** Java's \s without UNICODE_CHARACTER_CLASS is ASCII white space only; JavaScript's also takes \u00A0, \u2003… */
const JAVA_SPACE = " \\t\\n\\x0B\\f\\r";
/** Java 8's \v is every vertical white space; JavaScript's only \x0B. */
const JAVA_VERTICAL = "\\n\\x0B\\f\\r\\u0085\\u2028\\u2029";

function unit(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * The JavaScript text for the escape whose letter is at `body[at]` (after its backslash), and how many more characters
 * of the pattern it used. Escapes JavaScript reads as a plain letter are translated (`\e \a \0ooo \x{h…}`) or refused.
 */
function javaEscape(body: string, at: number, inClass: boolean, refuse: (what: string) => never): { text: string; consumed: number } {
  const next = body[at]!;
  const one = (text: string): { text: string; consumed: number } => ({ text, consumed: 0 });
  if (next === "A") return one("(?<![\\s\\S])");
  if (next === "z") return one("(?![\\s\\S])");
  if (next === "Z") return one(JAVA_DOLLAR);
  if (next === "s") return one(inClass ? JAVA_SPACE : `[${JAVA_SPACE}]`);
  if (next === "S") return inClass ? refuse("\\S inside a class, which JavaScript cannot say without the v flag") : one(`[^${JAVA_SPACE}]`);
  if (next === "v") return one(inClass ? JAVA_VERTICAL : `[${JAVA_VERTICAL}]`);
  if (next === "e") return one("\\x1b");
  if (next === "a") return one("\\x07");
  if (next === "0") {
    // Java's octal escape: \0n, \0nn or \0mnn (m at most 3); JavaScript reads \0 as NUL and the digits as text.
    const digits = /^[0-3]?[0-7]{1,2}/.exec(body.slice(at + 1))?.[0];
    if (digits === undefined) return refuse("\\0 without an octal number after it, which Java refuses");
    return { text: unit(Number.parseInt(digits, 8)), consumed: digits.length };
  }
  if (next === "x" && body[at + 1] === "{") {
    const hex = /^\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(at + 1));
    const code = hex === null ? Number.NaN : Number.parseInt(hex[1]!, 16);
    if (hex === null || code > 0xffff) return refuse("\\x{…} beyond U+FFFF or malformed, which cxda does not translate");
    return { text: unit(code), consumed: hex[0].length };
  }
  if (REFUSED_ESCAPES.has(next)) return refuse(`\\${next}, a Java construct cxda does not translate`);
  return one(`\\${next}`);
}

/** Java's `(?imsx)` at the start of a pattern becomes JavaScript flags; `x` (comments mode) has none. */
function leadingFlags(pattern: string): { body: string; flags: string } {
  const match = /^\(\?([imsuxd]+)\)/.exec(pattern);
  if (!match) return { body: pattern, flags: "" };
  const letters = match[1]!;
  if (letters.includes("x")) throw templateFault(`the regex flag (?x) of "${pattern}" has no JavaScript equivalent`);
  return { body: pattern.slice(match[0].length), flags: [...new Set(letters.replace(/[ud]/g, ""))].join("") };
}

/**
 * A JavaScript RegExp that matches what Java's Pattern.compile(pattern) matches, or an E_TEMPLATE fault naming the
 * construct cxda cannot run.
 * @example javaRegex("(?i)^a\\Qb.c\\E").test("AB.C") // true
 */
export function javaRegex(pattern: string, extraFlags = ""): RegExp {
  const { body, flags } = leadingFlags(pattern);
  const refuse = (what: string): never => {
    throw templateFault(`the regex "${pattern}" uses ${what}; rewrite it without`);
  };
  const multiline = flags.includes("m");
  let out = "";
  let inClass = false;
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i]!;
    if (char === "\\") {
      const next = body[i + 1];
      if (next === undefined) throw templateFault(`the regex "${pattern}" ends with a lone backslash`);
      i += 1;
      if (next === "Q") {
        const end = body.indexOf("\\E", i + 1);
        const literal = end === -1 ? body.slice(i + 1) : body.slice(i + 1, end);
        out += quoteLiteral(literal);
        i = end === -1 ? body.length : end + 1;
        continue;
      }
      const escape = javaEscape(body, i, inClass, refuse);
      out += escape.text;
      i += escape.consumed;
    } else if (inClass) {
      // Java nests classes ([a-c[x]] is a union) and intersects them ([a-z&&[^b]]); JavaScript reads both as text.
      if (char === "[") refuse("a class inside a class ([a-c[x]], Java's union), which JavaScript reads as text");
      if (char === "&" && body[i + 1] === "&") refuse("&& inside a class (Java's intersection), which JavaScript reads as text");
      if (char === "]") inClass = false;
      out += char;
    } else if (char === "[") {
      inClass = true;
      out += char;
      if (body[i + 1] === "^") out += body[++i];
      // A ] first in a class is a literal ] in Java; in JavaScript [] matches nothing and [^] anything.
      if (body[i + 1] === "]") {
        out += "\\]";
        i += 1;
      }
    } else if (char === "." && !flags.includes("s")) out += `[^${JAVA_LINE_ENDS}]`;
    else if (char === "$") out += multiline ? JAVA_LINE_END_MULTILINE : JAVA_DOLLAR;
    else if (char === "^" && multiline) out += JAVA_LINE_START_MULTILINE;
    else out += char;
  }
  try {
    return new RegExp(out, [...new Set(flags + extraFlags)].join(""));
  } catch (error) {
    throw templateFault(
      `the regex "${pattern}" is not one cxda can run (possessive quantifiers, atomic groups and some Java-only syntax are not supported): ${(error as Error).message}`,
    );
  }
}

/**
 * The text a Java replacement string gives for one match: `$n` (the longest group number that exists), `${name}`,
 * and `\x` for a literal x, as Matcher.appendReplacement reads it.
 */
function javaReplacement(replacement: string, match: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < replacement.length; i += 1) {
    const char = replacement[i]!;
    if (char === "\\") {
      const next = replacement[i + 1];
      if (next === undefined) throw templateFault(`the replacement "${replacement}" ends with a lone backslash`);
      out += next;
      i += 1;
    } else if (char === "$") {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(replacement.slice(i + 1));
      if (named) {
        const group = match.groups?.[named[1]!];
        if (match.groups === undefined || !(named[1]! in match.groups)) throw templateFault(`no group named "${named[1]}" in the regex`);
        out += group ?? "";
        i += named[0].length;
        continue;
      }
      const first = replacement[i + 1];
      if (first === undefined || !/[0-9]/.test(first)) throw templateFault(`the replacement "${replacement}" has a "$" with no group after it`);
      let number = Number(first);
      if (number >= match.length) throw templateFault(`the replacement "${replacement}" refers to group ${number}, which the regex does not have`);
      i += 1;
      while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1]!) && number * 10 + Number(replacement[i + 1]) < match.length) {
        number = number * 10 + Number(replacement[i + 1]);
        i += 1;
      }
      out += match[number] ?? "";
    } else out += char;
  }
  return out;
}

/** Replaces the first (or every) match, as Java's String.replaceFirst/replaceAll do. */
export function javaReplace(text: string, pattern: string, replacement: string, all: boolean): string {
  const regex = javaRegex(pattern, "g");
  let out = "";
  let last = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    out += text.slice(last, match.index) + javaReplacement(replacement, match);
    last = match.index + match[0].length;
    // A zero-length match would match again at the same place; Java's Matcher moves one character on.
    if (match[0].length === 0) regex.lastIndex += 1;
    if (!all) break;
  }
  return out + text.slice(last);
}

/**
 * Java's String.split(regex, limit): with limit 0 the trailing empty strings are dropped, a positive limit caps the
 * pieces (the last keeps the rest), a negative one keeps everything; a zero-length match at the start gives no
 * leading empty string (Java 8 and later).
 * @example javaSplit("a,b,,", ",", 0) // ["a", "b"]
 */
export function javaSplit(text: string, pattern: string, limit: number): string[] {
  const regex = javaRegex(pattern, "g");
  const pieces: string[] = [];
  let index = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    if (match[0].length === 0) regex.lastIndex += 1;
    if (limit > 0 && pieces.length >= limit - 1) break;
    if (start === 0 && end === 0) continue;
    // A zero-length match at the very end adds nothing Java would keep, and the regex may match past the text.
    if (start > text.length) break;
    pieces.push(text.slice(index, start));
    index = end;
  }
  if (index === 0 && pieces.length === 0) return [text];
  pieces.push(text.slice(index));
  if (limit === 0) while (pieces.length > 0 && pieces[pieces.length - 1] === "") pieces.pop();
  return pieces;
}
