// The #if/#foreach/#macro/#define … #end balance of a template, which velocityjs does not check but Velocity does.
//
// velocityjs 2.1.7 accepts `#if($a) x` with no #end (it renders the block's content twice) and stops rendering at a
// stray #end, silently; Velocity 1.7, which Genesys runs, refuses both at parse time. This scan gives the same
// refusal, with the line:column of the block left open or of the #end with nothing to close.
import { CxdaError } from "../../../core/errors.js";

/** Raw text, comments and escaped directives hold no directive; the rest are block openers or #end. */
const DIRECTIVES = /#\[\[[\s\S]*?\]\]#|#\*[\s\S]*?\*#|##[^\n]*|(\\*)#\{?(if|foreach|macro|define|end)\}?(?![A-Za-z0-9_])/g;

function position(template: string, offset: number): { line: number; column: number } {
  const before = template.slice(0, offset);
  const line = before.split(/\r\n|\r|\n/).length;
  const lastBreak = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
  return { line, column: offset - lastBreak };
}

/**
 * Throws `E_TEMPLATE` when a block directive is never closed or an #end closes nothing.
 * @example checkBlocks("#if($a)x", "requestTemplate") // throws: requestTemplate 1:1: #if is never closed…
 */
export function checkBlocks(template: string, label: string): void {
  const open: { name: string; offset: number }[] = [];
  for (const match of template.matchAll(DIRECTIVES)) {
    const [, backslashes, name] = match;
    // An odd number of backslashes escapes the directive: `\#if` is text.
    if (name === undefined || (backslashes ?? "").length % 2 === 1) continue;
    const offset = match.index + (backslashes ?? "").length;
    if (name !== "end") {
      open.push({ name, offset });
      continue;
    }
    if (open.pop() === undefined) {
      const at = position(template, offset);
      throw new CxdaError(
        "E_TEMPLATE",
        `${label} ${at.line}:${at.column}: this #end closes no #if, #foreach, #macro or #define. Remove it, or write \\#end for the text.`,
        { context: { line: at.line, column: at.column } },
      );
    }
  }
  const unclosed = open.pop();
  if (unclosed !== undefined) {
    const at = position(template, unclosed.offset);
    throw new CxdaError("E_TEMPLATE", `${label} ${at.line}:${at.column}: #${unclosed.name} is never closed. Add #end where its block ends.`, {
      context: { line: at.line, column: at.column },
    });
  }
}
