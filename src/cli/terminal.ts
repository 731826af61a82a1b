// The one place that writes to the terminal: colour only on a TTY and never with NO_COLOR.
import { inspect } from "node:util";

/** Where a command writes, and whether it may use colour. */
export interface Terminal {
  out(line?: string): void;
  err(line?: string): void;
  color: boolean;
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
  const color = process.stdout.isTTY === true && !("NO_COLOR" in process.env) && process.env.TERM !== "dumb";
  return {
    out: (line = "") => void (pipeClosed || process.stdout.write(`${line}\n`)),
    err: (line = "") => void (pipeClosed || process.stderr.write(`${line}\n`)),
    color,
  };
}

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22], cyan: [36, 39] } as const;

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
