// Reads JSON files and text with errors that name the file and the line:column of the fault.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isUtf8 } from "node:buffer";
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

/** The offset of the first byte of `bytes` that does not belong to a UTF-8 character: a stray byte, or the lead byte of a character cut short. */
function firstBadByte(bytes: Uint8Array): number {
  const fails = (length: number): boolean => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let low = 1;
  let high = bytes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (fails(middle)) high = middle;
    else low = middle + 1;
  }
  // The prefix before that byte decodes, though it may end in a character the byte failed to finish: start there.
  const bad = low - 1;
  for (let i = bad - 1; i >= Math.max(0, bad - 3); i--) {
    const byte = bytes[i] ?? 0;
    if (byte < 0x80) break;
    if (byte >= 0xc0) return i + (byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2) > bad ? i : bad;
  }
  return bad;
}

/**
 * A file's bytes as text, or a CxdaError with `code` when they are not UTF-8: read leniently, a Latin-1 "é" or a
 * UTF-16 file would turn into U+FFFD without a word (an enum value that no longer matches, a case that `-u` rewrites
 * without its accents). A UTF-8 byte-order mark is kept, as `readFile(file, "utf8")` keeps it.
 * @example
 * decodeUtf8(await readFile("cases/a.json"), "cases/a.json", "E_CASE");
 */
export function decodeUtf8(bytes: Uint8Array, file: string, code: CxdaErrorCode): string {
  const fix = "save it as UTF-8 (in most editors: Save with Encoding, UTF-8)";
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CxdaError(code, `${file}: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); ${fix}`, { context: { file } });
  }
  if (isUtf8(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const bad = firstBadByte(bytes);
  const decoded = Buffer.from(bytes.buffer, bytes.byteOffset, bad).toString("utf8");
  // Columns count characters after a byte-order mark, as parseJsonText's do.
  const before = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
  const { line, column } = positionOf(before, before.length);
  const byte = (bytes[bad] ?? 0).toString(16).toUpperCase().padStart(2, "0");
  throw new CxdaError(
    code,
    `${file}:${line}:${column}: not UTF-8: byte 0x${byte} cannot be read as UTF-8 text (a file saved as Latin-1 or Windows-1252?); ${fix}`,
    { context: { file, line, column } },
  );
}

/** Reads a UTF-8 text file; a missing or unreadable file, or one that is not UTF-8, is a CxdaError with `code`. */
export async function readTextFile(file: string, code: CxdaErrorCode, shown: string = file): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw unreadableFile(shown, error, code);
  }
  return decodeUtf8(bytes, shown, code);
}

/** The synchronous twin of {@link readTextFile}. */
export function readTextFileSync(file: string, code: CxdaErrorCode, shown: string = file): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw unreadableFile(shown, error, code);
  }
  return decodeUtf8(bytes, shown, code);
}
