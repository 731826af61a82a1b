// The public API of cxda: every export a library user may rely on, named explicitly.
export { CxdaError, isCxdaError, hasErrorCode } from "./core/errors.js";
export type { CxdaErrorCode, SerializedError, ErrorContext } from "./core/errors.js";
export type * from "./core/types.js";
