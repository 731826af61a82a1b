// The `cxda/emulator` entry: start a local platform emulator for tests, demos and parity runs.
export { startEmulator, resolveEmulatorOptions, EMULATOR_SCOPES } from "./emulator.js";
export type {
  Emulator,
  EmulatorOptions,
  ResolvedEmulatorOptions,
  EmulatorRequest,
  EmulatorCredentials,
  EmulatorClient,
  EmulatorAccessKey,
} from "./emulator.js";
export { EMULATOR_ROUTES, readFaultsFile, checkFaultRules } from "./faults.js";
export type { FaultRule, EmulatorRoute } from "./faults.js";
export { runTransformSource } from "./run-transform.js";
export type { EmulatorRunContext, EmulatorRunResult } from "./run-transform.js";
