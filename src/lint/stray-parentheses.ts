// A ")" written right after a method call that closes nothing in the text around it: `{$salesforce.escReserved($input.x))}`.
//
// Velocity ends a call at its own ")", so one more is plain text and reaches the request as it is (a SOSL query with a
// stray ")", a URL with %29). Rendering cannot tell it from a ")" meant as text; the source can, when the text before
// the call opened no "(" for it.

/** One stray parenthesis: where it is and the call it follows. */
export interface StrayParenthesis {
  /** 1-based line and column of the ")" in the template. */
  line: number;
  column: number;
  /** The call it follows, as written: `$salesforce.escReserved(${input.PHONE_NUMBER})`. */
  call: string;
}

const DIRECTIVE = /^#\{?(?:if|elseif|foreach|set|macro|define|include|parse|evaluate|break|stop)\}?\s*\(/;
const NAME = /^[A-Za-z][\w-]*/;

/** The index just past the ")" matching the "(" at `open`, skipping quoted strings; -1 when it is never closed. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (char === "(") depth += 1;
    else if (char === ")" && --depth === 0) return i + 1;
  }
  return -1;
}

interface ReferenceSpan {
  end: number;
  /** Whether its last step is a method call (`$a.b(…)`), the case a doubled ")" follows. */
  endsWithCall: boolean;
  /** Double-quoted arguments: [start, end) of their text, which Velocity renders as templates too. */
  strings: Array<[number, number]>;
}

/** The extent of a reference starting at `start` (on its `$`), or undefined when no reference starts there. */
function referenceAt(text: string, start: number): ReferenceSpan | undefined {
  let i = start + 1;
  if (text[i] === "!") i += 1;
  const braced = text[i] === "{";
  if (braced) i += 1;
  const name = NAME.exec(text.slice(i));
  if (name === null) return undefined;
  i += name[0].length;
  let endsWithCall = false;
  const strings: Array<[number, number]> = [];
  for (;;) {
    const step = text[i] === "." ? NAME.exec(text.slice(i + 1)) : null;
    if (step !== null) {
      i += 1 + step[0].length;
      endsWithCall = false;
      if (text[i] === "(") {
        const end = closing(text, i);
        if (end < 0) return undefined;
        for (const quoted of text.slice(i, end).matchAll(/"([^"]*)"/g))
          strings.push([i + quoted.index + 1, i + quoted.index + 1 + quoted[1]!.length]);
        i = end;
        endsWithCall = true;
      }
    } else if (text[i] === "[") {
      const end = text.indexOf("]", i);
      if (end < 0) break;
      i = end + 1;
      endsWithCall = false;
    } else break;
  }
  if (braced) {
    if (text[i] !== "}") return undefined;
    i += 1;
  }
  return { end: i, endsWithCall, strings };
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

function scan(template: string, from: number, to: number, found: StrayParenthesis[]): void {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const char = template[i];
    if (char === "\\") {
      i += 1;
    } else if (char === "#") {
      const rest = template.slice(i, to);
      // The index of the last character of `marker` after i (comments and raw text hold no syntax), or the end.
      const past = (marker: string): number => {
        const at = template.indexOf(marker, i + 2);
        return at < 0 || at >= to ? to : at + marker.length - 1;
      };
      if (rest.startsWith("##")) i = past("\n");
      else if (rest.startsWith("#*")) i = past("*#");
      else if (rest.startsWith("#[[")) i = past("]]#");
      else if (DIRECTIVE.test(rest)) {
        // A directive's own parentheses are syntax; the references in its condition are not text.
        const end = closing(template, i + template.slice(i).indexOf("("));
        i = end < 0 ? to : end - 1;
      }
    } else if (char === "$") {
      const reference = referenceAt(template, i);
      if (reference === undefined || reference.end > to) continue;
      for (const [start, end] of reference.strings) scan(template, start, end, found);
      if (reference.endsWithCall && template[reference.end] === ")" && depth === 0 && reference.end < to) {
        found.push({ ...position(template, reference.end), call: template.slice(i, reference.end) });
      }
      i = reference.end - 1;
    } else if (char === "(") depth += 1;
    else if (char === ")") depth = Math.max(0, depth - 1);
  }
}

/**
 * Every ")" that directly follows a method call and closes no "(" of the text around it, in the template and in the
 * double-quoted strings its calls are given (which Velocity renders as templates).
 * @example
 * strayParentheses('q=$esc.url("FIND {$sf.escReserved($input.p))}")'); // [{ line: 1, column: 38, call: "$sf.escReserved($input.p)" }]
 */
export function strayParentheses(template: string): StrayParenthesis[] {
  const found: StrayParenthesis[] = [];
  scan(template, 0, template.length, found);
  return found;
}
