// The messages between `cxda lint` and its worker threads: one job per action, progress before each render, one answer.
import type { ActionLint } from "./lint-action.js";
import type { LintTarget, RenderStep } from "./lint-types.js";

/** Lint one action. */
export interface LintJob {
  type: "lint";
  id: number;
  target: LintTarget;
  seed: string;
  /** Renders to leave out (they hung or ran out of memory before). */
  skip: RenderStep[];
}

/** What a worker sends back. */
export type LintWorkerMessage =
  /** Sent once the worker has loaded; `environment` counts the variables it sees (it must see none). */
  | { type: "ready"; environment: number }
  | ({ type: "progress"; id: number } & RenderStep)
  | ({ type: "result"; id: number } & ActionLint)
  | { type: "failed"; id: number; code: string; message: string };
