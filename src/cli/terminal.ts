// The one place that writes to the terminal: colour only on a TTY and never with NO_COLOR, and no escape sequence but ours.
import { inspect } from "node:util";
import { escapeControls } from "../internal/control-characters.js";

/** Where a command writes, and whether it may use colour. */
export interface Terminal {
  out(line?: string): void;
  err(line?: string): void;
  color: boolean;
  /** On a TTY: shows `line` as a status line that the next output replaces (an empty line clears it). */
  status?(line: string): void;
}

let pipeClosed = false;
for (const stream of [process.stdout, process.stderr]) {
  // A reader that goes away (`cxda test | head`) is not an error of ours: stop writing instead of crashing.
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") pipeClosed = true;
    else throw error;
  });
}

/** The process's terminal. */
export function processTerminal(): Terminal {
  const tty = process.stdout.isTTY === true && process.stderr.isTTY === true && process.env.TERM !== "dumb";
  const color = tty && !("NO_COLOR" in process.env);
  let statusShown = false;
  const clearStatus = (): void => {
    if (statusShown && !pipeClosed) process.stderr.write("\r\u001b[K");
    statusShown = false;
  };
  const terminal: Terminal = {
    out: (line = "") => {
      clearStatus();
      if (!pipeClosed) process.stdout.write(`${printable(line, color)}\n`);
    },
    err: (line = "") => {
      clearStatus();
      if (!pipeClosed) process.stderr.write(`${printable(line, color)}\n`);
    },
    color,
  };
  if (tty) {
    terminal.status = (line) => {
      clearStatus();
      if (line === "" || pipeClosed) return;
      process.stderr.write(printable(line.slice(0, Math.max(10, (process.stderr.columns || 80) - 1)), color));
      statusShown = true;
    };
  }
  return terminal;
}

// Inverse marks the changed characters of a diff inside its red or green line.
const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22], cyan: [36, 39], inverse: [7, 27] } as const;
/** The sequences {@link paint} writes, and the only ones a line may carry to a colour terminal. */
const OWN_STYLES = new RegExp(`\\u001b\\[(?:${[...new Set(Object.values(CODES).flat())].join("|")})m`, "g");

/**
 * A line as it may reach the terminal. Case names, logs, error messages and paths come from transforms, servers and
 * files, so any escape sequence in them (clear screen, window title, hyperlink, a CR that overwrites the line) is
 * shown as text; only the colours of {@link paint} stay, and only when the terminal has colour. JSON text keeps its
 * meaning (see {@link escapeControls}).
 */
export function printable(line: string, color: boolean): string {
  return color ? escapeControls(line, OWN_STYLES) : escapeControls(line);
}

/** Wraps text in an ANSI style when the terminal allows colour. */
export function paint(terminal: Terminal, style: keyof typeof CODES, text: string): string {
  if (!terminal.color) return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** A value as indented JSON, or `inspect` output when it is not JSON. */
export function showJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? inspect(value);
  } catch {
    return inspect(value, { depth: 6 });
  }
}
