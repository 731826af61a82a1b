// Makes text from outside (case names, logs, error bodies, paths) safe to print: control characters become visible escapes.

/**
 * The characters a terminal acts on instead of showing: C0 controls except tab and newline (ESC starts CSI, OSC and
 * hyperlink sequences; a bare CR overwrites the line; BS, BEL…), DEL, and the C1 controls (U+0080–U+009F, where
 * U+009B is a one-character CSI). A CR right before a newline is only a line ending and stays.
 */
// Also the bidirectional controls (U+200E/F, U+202A–E, U+2066–9): they reorder what follows them on the line, so a case
// name could make a failure read as something else ("Trojan Source").
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

function escapeOne(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

function escapeAll(text: string): string {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) ? text.replace(CONTROL, escapeOne) : text;
}

/**
 * Replaces every control character a terminal would act on with its `\uXXXX` escape, so `\x1b[2J` prints as the
 * text `\u001b[2J` instead of clearing the screen. Newlines, tabs and CRLF line endings stay. The escapes are JSON's
 * own, so JSON text passed through keeps its meaning: a raw C1 character inside a string becomes an escape that
 * parses back to the same character.
 *
 * `keep` names sequences to leave as they are (the terminal's own colours); it must be a global regular expression.
 *
 * @example
 * escapeControls("case \u001b]0;pwned\u0007"); // "case \\u001b]0;pwned\\u0007"
 */
export function escapeControls(text: string, keep?: RegExp): string {
  if (keep === undefined) return escapeAll(text);
  let shown = "";
  let from = 0;
  keep.lastIndex = 0;
  for (const match of text.matchAll(keep)) {
    shown += escapeAll(text.slice(from, match.index)) + match[0];
    from = match.index + match[0].length;
  }
  return shown + escapeAll(text.slice(from));
}
