// The one error family: CxdaError with a string code, a cause, and the context needed to act on it.

/** Every error code cxda raises. Guards compare codes, never `instanceof` alone (errors cross worker boundaries). */
export type CxdaErrorCode =
  | "E_USAGE"
  | "E_CONFIG"
  | "E_DEFINITION"
  | "E_SCHEMA"
  | "E_CASE"
  | "E_COMPILE"
  | "E_TRANSFORM"
  | "E_OUTPUT"
  | "E_MUTATION"
  | "E_TIMEOUT"
  | "E_MEMORY"
  | "E_SANDBOX"
  | "E_AUTH"
  | "E_SCOPE"
  | "E_NOT_FOUND"
  | "E_RATE_LIMIT"
  | "E_HTTP"
  | "E_NETWORK"
  | "E_CACHE"
  | "E_PARITY"
  | "E_TEMPLATE"
  | "E_REQUEST"
  | "E_UPSTREAM"
  | "E_TRANSLATION";

/** Extra facts attached to an error: file, position, URL, status… Only plain JSON values, never secrets. */
export type ErrorContext = Record<string, string | number | boolean | null | undefined>;

/** Options accepted by {@link CxdaError}. */
export interface CxdaErrorOptions {
  /** The underlying error, kept for `--debug` output. */
  cause?: unknown;
  /** Facts a user needs to act: `file`, `line`, `column`, `method`, `url`, `status`… */
  context?: ErrorContext;
}

/**
 * The base of every error cxda throws on purpose.
 * @example
 * throw new CxdaError("E_DEFINITION", "actions/x/definition.json: no output schema found", { context: { file } });
 */
export class CxdaError extends Error {
  override name = "CxdaError";
  readonly code: CxdaErrorCode;
  readonly context: ErrorContext;

  constructor(code: CxdaErrorCode, message: string, options: CxdaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = options.context ?? {};
  }

  /** A plain, structured-clone-safe form (for workers and `--json`). */
  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, context: this.context };
  }
}

/** An error as it crosses a worker boundary or lands in a JSON report. */
export interface SerializedError {
  name: string;
  code: CxdaErrorCode;
  message: string;
  context?: ErrorContext;
  stack?: string;
}

/** True for a CxdaError, or anything shaped like one after crossing a worker or JSON boundary. */
export function isCxdaError(value: unknown): value is CxdaError | SerializedError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { name?: unknown; code?: unknown; message?: unknown };
  return v.name === "CxdaError" && typeof v.code === "string" && v.code.startsWith("E_") && typeof v.message === "string";
}

/** True when `value` is a CxdaError (or its serialized form) with the given code. */
export function hasErrorCode(value: unknown, code: CxdaErrorCode): boolean {
  return isCxdaError(value) && value.code === code;
}

/**
 * A problem as data: what a result, a body or a report carries where an error stopped something. The one shape for
 * every error that becomes data (case results, loading problems, worker answers, bus events, traces).
 * @example
 * const problem: Problem = { code: "E_CASE", message: "cases/a.json: unknown key \"expct\"", path: "cases/a.json" };
 */
export interface Problem {
  /** A cxda error code (`E_CASE`, `E_TRANSFORM`, `E_PARITY`…); readers decide by it, never by the message. */
  code: string;
  /** What failed, where, and what to do. */
  message: string;
  /** Where the problem is: a file, or a JSON path. */
  path?: string;
  /** What to do about it, when the message does not already say. */
  hint?: string;
}

/** A {@link Problem} with the stack of the throw behind it (results keep one for `--debug`). */
export interface ProblemWithStack extends Problem {
  stack?: string;
}

/** True for a value that already carries a cxda code and a message: a CxdaError, its serialized form, a Problem. */
function hasCxdaCode(value: unknown): value is { code: string; message: string } {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.code === "string" && /^E_[A-Z_]+$/.test(v.code) && typeof v.message === "string";
}

/**
 * Turns anything thrown into a {@link Problem}: a CxdaError (or a value that crossed a worker or JSON boundary with a
 * cxda code) keeps its code and message; anything else gets `fallbackCode` and a readable message. Node's own codes
 * (`ENOENT`, `ERR_…`) are not cxda codes and fall back too.
 * @param fallbackCode the code for errors that carry none of cxda's. @default "E_INTERNAL"
 * @example
 * catch (error) { return { ok: false, error: toProblem(error, "E_CASE") }; }
 */
export function toProblem(error: unknown, fallbackCode = "E_INTERNAL"): Problem {
  if (hasCxdaCode(error)) return { code: error.code, message: error.message };
  return { code: fallbackCode, message: describeThrown(error) };
}

/** Turns a thrown value of any kind into a readable message (non-Error throws included). */
export function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  try {
    return `non-Error value thrown: ${JSON.stringify(value)}`;
  } catch {
    return `non-Error value thrown: ${String(value)}`;
  }
}
