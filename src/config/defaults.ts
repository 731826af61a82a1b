// The defaults of a run, in one place: the CLI, cxda.config.*, the runner, cxda/vitest, the listener and the emulator
// read them from here.

/** `ctx.env` seen by transforms when nothing else says. */
export const DEFAULT_ENV = "sandbox";

/** The folder of action folders a run reads when given none. */
export const DEFAULT_ACTIONS_DIR = "actions";

/** Where the reports tree goes (run.json, junit.xml, traces/, coverage/, report.html), relative to the project. */
export const DEFAULT_REPORTS_DIR = "reports";

/** Milliseconds one case may run before its worker is stopped. */
export const DEFAULT_TIMEOUT_MS = 2000;

/** Heap limit of each worker, in MB. */
export const DEFAULT_MEMORY_MB = 256;

/** The seed of `--generate` and `--invalid` when none is given. */
export const DEFAULT_SEED = "cxda";
