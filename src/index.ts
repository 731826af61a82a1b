// The public API of cxda: every export a library user may rely on, named explicitly.
export { CxdaError, isCxdaError, hasErrorCode, toProblem } from "./core/errors.js";
export type { CxdaErrorCode, SerializedError, ErrorContext, Problem } from "./core/errors.js";
export type * from "./core/types.js";

export { loadDefinition, normaliseDefinition, type NormaliseOptions, type LoadDefinitionOptions } from "./definitions/load-definition.js";
export { checkProject, type CheckOptions, type CheckReport, type CheckGroup, type CheckSummary } from "./check/check-project.js";
export { createValidator, type Validator, type ValidatorOptions } from "./validation/create-validator.js";
export { detectDraft } from "./validation/detect-draft.js";
export { formatIssue } from "./validation/format-issue.js";
export { createPayload, type PayloadOptions } from "./payloads/create-payload.js";
export { applyOverrides, type TriggerOverrides } from "./payloads/apply-overrides.js";
export { setPath, getPath, unsetPath, parseAssignment } from "./payloads/dotted-path.js";
export { parseCase, loadCases, type LoadedCase } from "./cases/load-cases.js";
export { prepareCase, type CaseContext } from "./cases/prepare-case.js";
export { evaluateExpectations, type CaseOutcome } from "./cases/evaluate-case.js";
export {
  runCases,
  resolveRunCasesOptions,
  summarise,
  SummaryCounter,
  type RunCasesOptions,
  type ResolvedRunCasesOptions,
} from "./runner/run-cases.js";
export { planRun, ActionCache, type RunPlan, type PlannedRun } from "./runner/run-plan.js";
export { RunExecution } from "./runner/run-execution.js";
export type {
  Reporter,
  ReporterNeeds,
  ReporterVerdict,
  ReportOutput,
  ReportStyle,
  RunStartContext,
  RunEndContext,
  RunFindings,
  WrittenReport,
} from "./report/reporter.js";
export { SILENT_OUTPUT } from "./report/reporter.js";
export { startReportSession, runWithReporters, type ReportSession, type ReportSessionOptions, type ReportOutcome } from "./report/report-session.js";
export { consoleReporter, type ConsoleReporterOptions } from "./report/reporters/console-reporter.js";
export { dotReporter, type DotReporterOptions } from "./report/reporters/dot-reporter.js";
export { jsonReporter, type JsonReporterOptions } from "./report/reporters/json-reporter.js";
export { junitReporter, type JunitReporterOptions } from "./report/reporters/junit-reporter.js";
export { htmlReporter } from "./report/reporters/html-reporter.js";
export { traceReporter, type TraceReporterOptions } from "./report/reporters/trace-reporter.js";
export { otelReporter } from "./report/reporters/otel-reporter.js";
export { coverageReporter, type CoverageReporterOptions } from "./report/reporters/coverage-reporter.js";
export { profileReporter, type ProfileReporterOptions } from "./report/reporters/profile-reporter.js";
export { DEFAULT_ENV, DEFAULT_ACTIONS_DIR, DEFAULT_REPORTS_DIR, DEFAULT_TIMEOUT_MS, DEFAULT_MEMORY_MB, DEFAULT_SEED } from "./config/defaults.js";
export { findActionDirs, loadAction, type LoadedAction } from "./runner/load-action.js";
export { createWorkerPool, type WorkerPool, type WorkerPoolOptions } from "./executor/worker-pool.js";
export { bundleTransform, type BundledTransform, type TransformSource } from "./executor/bundle-transform.js";
export { createBus, type RunnableBus } from "./runner/create-bus.js";
export {
  createEventBus,
  type EventBus,
  type BusEvent,
  type BusEventMap,
  type BusEventName,
  type Interception,
  type DeliveredTrigger,
  type PublishOptions,
} from "./bus/event-bus.js";

export { createClientCredentialsTokenProvider } from "./auth/client-credentials.js";
export { createAccessKeyTokenProvider, discoverTenant } from "./auth/access-key.js";
export { createTokenProvider } from "./auth/create-token-provider.js";
export type { TokenProvider } from "./auth/token-provider.js";
export { Secret, redact } from "./secrets/secret.js";
export {
  createApiClient,
  type ApiClient,
  type ApiClientOptions,
  type DataActionResponse,
  type ExecuteResult,
  type TestDataActionResult,
  type TestExecutionResult,
  type TestExecutionOperation,
  type GenesysErrorBody,
} from "./client/api-client.js";
export { type RetryOptions } from "./http/retry-policy.js";
export {
  resolvePlatformOptions,
  hasPlatformCredentials,
  PLATFORM_ENV,
  GENESYS_ENV,
  PLATFORM_NAMES,
  type PlatformName,
  type PlatformOptions,
  type ResolvedPlatformOptions,
  type AuthMode,
} from "./config/platform-options.js";
export { createDefinitionsCache, type DefinitionsCache, type CachedDefinition, type CacheWarning } from "./definitions/definitions-cache.js";
export {
  resolveDefinition,
  pullDefinition,
  type ResolvedDefinition,
  type DefinitionSource,
  type PullResult,
} from "./definitions/resolve-definition.js";
export {
  defineConfig,
  resolveCxdaConfig,
  type CxdaConfig,
  type ResolvedCxdaConfig,
  type AuthConfig,
  type CoverageConfig,
  type CoverageThresholds,
  type SandboxConfig,
  type ReporterConfig,
  type ReporterName,
  type ResolvedReporter,
} from "./config/cxda-config.js";
export { loadConfig, findConfigFile, CONFIG_FILE_NAMES, type LoadConfigOptions } from "./config/load-config.js";
export {
  startListener,
  resolveListenerOptions,
  type Listener,
  type ListenerOptions,
  type ResolvedListenerOptions,
  type ListenerAction,
  type ListenerRequest,
} from "./listener/listener.js";
export { createTriggerSource } from "./payloads/generated-trigger.js";
export {
  generatePayloads,
  resolveGeneratePayloadsOptions,
  type ResolvedGeneratePayloadsOptions,
  type GeneratePayloadsOptions,
  type GeneratedPayload,
  type InvalidPayload,
  type GenerateMode,
} from "./payloads/generate-payloads.js";
