// Keys written twice in one JSON object. JSON.parse keeps the last without a word, so the first is lost: a second
// "properties" in a schema drops every rule of the first, a second "expect" in a case drops its first expectations.
import { createScanner } from "jsonc-parser";
import { CxdaError, type CxdaErrorCode } from "../core/errors.js";

/** A key that appears again in the same object, where its second appearance starts (1-based, as editors count). */
export interface DuplicateKey {
  /** Slash path of the key (`schema/output/properties`). */
  path: string;
  key: string;
  line: number;
  column: number;
}

/**
 * jsonc-parser's SyntaxKind values (a const enum in its types, which this project's module settings cannot read); the
 * literals are null, true, false, strings and numbers.
 */
export const JSON_TOKEN = {
  openBrace: 1,
  closeBrace: 2,
  openBracket: 3,
  closeBracket: 4,
  comma: 5,
  firstLiteral: 7,
  string: 10,
  lastLiteral: 11,
  end: 17,
} as const;
const KIND = JSON_TOKEN;

interface Frame {
  /** An object (keys) or an array (indexes). */
  object: boolean;
  path: string;
  keys: Set<string>;
  /** In an object: the next string is a key (after `{` or a comma). */
  expectKey: boolean;
  /** The key or index whose value comes next: the path of a container opened there. */
  at: string;
  index: number;
}

/**
 * Every key written twice in one object of `text` (JSON that `JSON.parse` accepted), read with jsonc-parser's scanner
 * in a loop with a stack of its own: a document nested thousands of levels deep does not overflow the call stack.
 * @example
 * duplicateKeys('{"a": {"x": 1, "x": 2}}'); // [{ path: "a/x", key: "x", line: 1, column: 16 }]
 */
export function duplicateKeys(text: string): DuplicateKey[] {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const scanner = createScanner(clean, true);
  const stack: Frame[] = [];
  const found: DuplicateKey[] = [];
  const join = (path: string, segment: string): string => (path === "" ? segment : `${path}/${segment}`);
  for (let token = scanner.scan(); token !== KIND.end; token = scanner.scan()) {
    const top = stack.at(-1);
    if (token === KIND.openBrace || token === KIND.openBracket) {
      const path = top === undefined ? "" : join(top.path, top.object ? top.at : String(top.index));
      stack.push({ object: token === KIND.openBrace, path, keys: new Set(), expectKey: token === KIND.openBrace, at: "", index: 0 });
    } else if (token === KIND.closeBrace || token === KIND.closeBracket) {
      stack.pop();
    } else if (top !== undefined && token === KIND.comma) {
      if (top.object) top.expectKey = true;
      else top.index++;
    } else if (top?.object === true && top.expectKey && token === KIND.string) {
      const key = scanner.getTokenValue();
      top.expectKey = false;
      top.at = key;
      if (top.keys.has(key))
        found.push({ path: join(top.path, key), key, line: scanner.getTokenStartLine() + 1, column: scanner.getTokenStartCharacter() + 1 });
      else top.keys.add(key);
    }
  }
  return found;
}

/**
 * Throws for the first key written twice in `text`, naming the file, its line:column and path: for files where a lost
 * value matters and there is no finding list to add it to (the default trigger, a JSON config, a `--payload`).
 * @throws CxdaError `code`
 */
export function refuseDuplicateKeys(text: string, file: string, code: CxdaErrorCode): void {
  const [first, ...others] = duplicateKeys(text);
  if (first === undefined) return;
  const more = others.length > 0 ? ` (and ${others.length} more)` : "";
  throw new CxdaError(
    code,
    `${file}:${first.line}:${first.column}: ${first.path}: the key "${first.key}" appears twice in one object${more}: JSON keeps only the last, so the first is ignored; merge the two or remove one`,
    { context: { file, path: first.path } },
  );
}
