// Java regular expressions and replacement strings read into JavaScript's, for String.replaceAll/replaceFirst/split/matches.
//
// Genesys runs templates on the JVM, so a pattern in `$input.x.replaceAll("\\s+", "-")` is a java.util.regex.Pattern.
// Most of its syntax means the same in JavaScript; the parts that would silently mean something else there (inline
// flags, \Q…\E, \A \z \Z, \p{…} classes) are translated or refused here, never passed through.
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
  let out = "";
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i]!;
    if (char !== "\\") {
      out += char;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) throw templateFault(`the regex "${pattern}" ends with a lone backslash`);
    i += 1;
    if (next === "Q") {
      const end = body.indexOf("\\E", i + 1);
      const literal = end === -1 ? body.slice(i + 1) : body.slice(i + 1, end);
      out += quoteLiteral(literal);
      i = end === -1 ? body.length : end + 1;
    } else if (next === "A") out += "(?<![\\s\\S])";
    else if (next === "z") out += "(?![\\s\\S])";
    else if (next === "Z") out += "(?=\\n?(?![\\s\\S]))";
    else if (REFUSED_ESCAPES.has(next)) {
      throw templateFault(`the regex "${pattern}" uses \\${next}, a Java construct cxda does not translate; rewrite it without`);
    } else out += `\\${next}`;
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
export function javaReplacement(replacement: string, match: RegExpExecArray): string {
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
