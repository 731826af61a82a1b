// What a transform's throw means for the user: its code (a refusal of the sandbox, a change to its input, memory, a
// stack overflow, its own throw), a message that says what to do, and a stack without the harness's frames.
import { relative } from "node:path";
import { describeThrown, type Problem, type ProblemWithStack } from "../core/errors.js";

/** The limits and place a throw is described with: the worker's. */
export interface ThrowContext {
  /** Longest message or stack kept, in characters; the rest is cut, saying how much. */
  maxLogBytes: number;
  /** The memory limit, named in an out-of-memory message. */
  memoryMb: number;
  /** Paths under it are shown relative to it. */
  cwd: string;
}

/**
 * `text` cut to `max` characters, saying how many were cut: an error of any size leaves the worker as a few kilobytes.
 * @example
 * cutText("x".repeat(100), 10); // "xxxxxxxxxx… (90 more characters cut)"
 */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters cut)`;
}

/**
 * A stack as a user wants it: the harness's frames and Node's internals left out, paths under `cwd` made relative.
 * @example
 * cleanStack("Error: x\n    at t (/work/a/transform.ts:3:9)\n    at run (/x/worker-entry.js:1:1)", "/work"); // "Error: x\n    at t (a/transform.ts:3:9)"
 */
export function cleanStack(stack: string | undefined, cwd: string): string | undefined {
  if (stack === undefined) return undefined;
  const lines = stack.split("\n");
  const kept = lines.filter((line, index) => index === 0 || (!line.includes("worker-entry") && !line.includes("node:internal")));
  return kept
    .map((line) => line.replace(/(file:\/\/)?(\/[^\s():]+)/g, (_m, _scheme, file: string) => (file.startsWith(cwd) ? relative(cwd, file) : file)))
    .join("\n");
}

/** What Node's permission model says when it refuses: which permission, and on what. */
export interface PermissionError {
  code: string;
  permission?: string;
  resource?: string;
}

/** A refusal of Node's permission model, in the words of the sandbox's rules. */
export function refusal(error: PermissionError, maxLogBytes: number): string {
  const resource = error.resource === undefined ? "" : ` ${cutText(String(error.resource), maxLogBytes)}`;
  const what =
    error.code === "ERR_DLOPEN_DISABLED"
      ? "loading a native addon"
      : error.permission === "FileSystemRead"
        ? `reading${resource}`
        : error.permission === "FileSystemWrite"
          ? `writing${resource}`
          : error.permission === "ChildProcess"
            ? "starting a process"
            : error.permission === "WorkerThreads"
              ? "starting a thread"
              : `${error.permission ?? "this operation"}${resource}`;
  return `${what} was refused inside a transform: a transform may read only its action folder and packages, and may not write files, start processes or threads, or load native code (enforced by Node's permission model)`;
}

/** V8's words for a write to a frozen object: the property is in one of the groups. */
const MUTATION = /^Cannot (assign to read only property '([^']+)'|add property ([^,]+), object is not extensible|delete property '([^']+)')/;

/**
 * What a transform's throw is: `E_SANDBOX` for a refusal of the sandbox, `E_MUTATION` for a change to its frozen
 * input, `E_MEMORY` for memory outside the heap, `E_TRANSFORM` for a stack overflow or its own throw (`ownThrow`: what
 * `expect.throws` may match).
 * @example
 * classifyTransformThrow(new TypeError("no tier"), { maxLogBytes: 65536, memoryMb: 256, cwd: "/work" }).code; // "E_TRANSFORM"
 */
export function classifyTransformThrow(error: unknown, context: ThrowContext): ProblemWithStack & { ownThrow: boolean } {
  const fullStack = error instanceof Error ? cleanStack(error.stack, context.cwd) : undefined;
  const stack = fullStack === undefined ? undefined : cutText(fullStack, context.maxLogBytes);
  const message = cutText(describeThrown(error), context.maxLogBytes);
  const withStack = (value: Problem & { ownThrow: boolean }) => (stack === undefined ? value : { ...value, stack });
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === "E_SANDBOX") return withStack({ code: "E_SANDBOX", message, ownThrow: false });
  if (code === "ERR_ACCESS_DENIED" || code === "ERR_DLOPEN_DISABLED")
    return withStack({ code: "E_SANDBOX", message: refusal(error as PermissionError, context.maxLogBytes), ownThrow: false });
  const mutation = error instanceof TypeError ? MUTATION.exec(error.message) : null;
  if (mutation !== null) {
    const property = mutation[2] ?? mutation[3] ?? mutation[4] ?? "?";
    return withStack({
      code: "E_MUTATION",
      message: `the transform changed its input (property "${property}"): the trigger, ctx and ctx.vars are read-only; build and return a new object instead (copy with { ...value } or structuredClone(value))`,
      ownThrow: false,
    });
  }
  if (error instanceof RangeError && /Array buffer allocation failed|Invalid typed array length|WebAssembly.Memory/.test(error.message)) {
    return withStack({
      code: "E_MEMORY",
      message: `the transform ran out of memory: ${message}; memory outside the heap (ArrayBuffers, Buffers) counts against --memory (${context.memoryMb} MB)`,
      ownThrow: false,
    });
  }
  if (error instanceof RangeError && /call stack/.test(error.message)) {
    return withStack({ code: "E_TRANSFORM", message: `the transform overflowed the stack (unbounded recursion?): ${message}`, ownThrow: true });
  }
  const name = error instanceof Error ? `${error.name}: ` : "";
  return withStack({ code: "E_TRANSFORM", message: `the transform threw ${name}${message}`, ownThrow: true });
}
