// The one error family: CxdaError with a string code, a cause, and the context needed to act on it.

/** Every error code cxda raises. Guards compare codes, never `instanceof` alone (errors cross worker boundaries). */
export type CxdaErrorCode =
  | "E_USAGE"
  | "E_CONFIG"
  | "E_DEFINITION"
  | "E_SCHEMA"
  | "E_CASE"
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
  | "E_CACHE";

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
