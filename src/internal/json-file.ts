// Reads JSON files and text with errors that name the file and the line:column of the fault.
import { readFile } from "node:fs/promises";
import { CxdaError, type CxdaErrorCode } from "../core/errors.js";

/** Line and column (1-based) of a character offset in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Finds where JSON.parse gave up, from the message V8 writes ("… at position 42", "… (line 3 column 5)"). */
function offsetFromParseError(text: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  if (position?.[1] !== undefined) return Number(position[1]);
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol?.[1] !== undefined && lineCol[2] !== undefined) {
    const lines = text.split("\n");
    let offset = 0;
    for (let i = 0; i < Number(lineCol[1]) - 1; i++) offset += (lines[i]?.length ?? 0) + 1;
    return offset + Number(lineCol[2]) - 1;
  }
  return locateByPrefix(text);
}

/**
 * Some V8 messages ("Unexpected token 'x', "…" is not valid JSON") carry no position. The first bad character is
 * found by bisecting on prefixes: a prefix that stops before it fails only at its own end.
 */
function locateByPrefix(text: string): number {
  const failsInside = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = error instanceof Error ? error.message : "";
      if (message.includes("end of JSON input")) return false;
      const position = /position (\d+)/.exec(message);
      return position?.[1] === undefined || Number(position[1]) < length;
    }
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (failsInside(middle + 1)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Parses JSON text, or throws a CxdaError with `code` naming `file` and the line:column of the fault.
 * A leading byte-order mark is accepted.
 */
export function parseJsonText(text: string, file: string, code: CxdaErrorCode): unknown {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (clean.trim() === "") {
    throw new CxdaError(code, `${file}: the file is empty; expected a JSON document`, { context: { file } });
  }
  try {
    return JSON.parse(clean);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const { line, column } = positionOf(clean, offsetFromParseError(clean, reason));
    const shortReason = reason.replace(/ in JSON at position \d+.*$/s, "").replace(/\s*\(line \d+ column \d+\)$/, "");
    throw new CxdaError(code, `${file}:${line}:${column}: malformed JSON: ${shortReason}`, {
      cause: error,
      context: { file, line, column },
    });
  }
}

/** The CxdaError for a file that could not be read: missing, not permitted, or another errno. */
export function unreadableFile(file: string, error: unknown, code: CxdaErrorCode): CxdaError {
  const errno = (error as NodeJS.ErrnoException).code;
  const reason = errno === "ENOENT" ? "file not found" : errno === "EACCES" ? "permission denied" : `cannot read (${errno ?? String(error)})`;
  return new CxdaError(code, `${file}: ${reason}`, { cause: error, context: { file } });
}

/** Reads and parses a JSON file; a missing or unreadable file is a CxdaError with `code` too. */
export async function readJsonFile(file: string, code: CxdaErrorCode): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw unreadableFile(file, error, code);
  }
  return parseJsonText(text, file, code);
}
