// Runs a definition's transform.source (an ES module) for /execute: esbuild to CommonJS, then a node:vm context with a timeout.
import { createHash } from "node:crypto";
import { Script, createContext, type Context } from "node:vm";
import { transform as esbuildTransform } from "esbuild";

/** What the transform is told about its run. */
export interface EmulatorRunContext {
  actionId: string;
  env: string;
  /** The clock `ctx.now()` returns, in epoch ms. */
  nowMs: number;
}

/** The outcome of one run: an output, or why there is none. */
export type EmulatorRunResult =
  | { ok: true; output: unknown; logs: string[] }
  | { ok: false; code: "E_TRANSFORM" | "E_TIMEOUT"; message: string; logs: string[] };

const compiled = new Map<string, Promise<string>>();

/** ESM → CommonJS text, cached by content so repeated executions compile once. */
function compile(source: string, name: string): Promise<string> {
  const key = createHash("sha256").update(source).digest("hex");
  let code = compiled.get(key);
  if (code === undefined) {
    code = esbuildTransform(source, { loader: "js", format: "cjs", target: "node20", sourcefile: name, logLevel: "silent" }).then((r) => r.code);
    compiled.set(key, code);
    code.catch(() => compiled.delete(key));
  }
  return code;
}

/** Runs inside the context: builds the module, freezes the input, calls the export, reports back through `__cxda`. */
const RUNNER = `(() => {
  const host = globalThis.__cxda;
  const module = { exports: {} };
  const require = (name) => { throw new Error("cannot import \\"" + name + "\\" in the emulator: only self-contained transforms run here"); };
  host.factory.call(module.exports, module.exports, module, require);
  const exported = module.exports;
  const fn = typeof exported === "function" ? exported
    : exported && typeof exported.default === "function" ? exported.default
    : exported && typeof exported.transform === "function" ? exported.transform : undefined;
  if (fn === undefined) throw new Error("the transform source has no default export function");
  const freeze = (value) => {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
      Object.freeze(value);
      for (const key of Object.keys(value)) freeze(value[key]);
    }
    return value;
  };
  const trigger = freeze(JSON.parse(host.input));
  const nowMs = host.nowMs;
  const ctx = Object.freeze({
    actionId: host.actionId,
    env: host.env,
    vars: Object.freeze({}),
    now: () => new Date(nowMs),
    log: (...args) => host.log(args.map((a) => typeof a === "string" ? a : JSON.stringify(a)).join(" ")),
  });
  Promise.resolve()
    .then(() => fn(trigger, ctx))
    .then((value) => host.done(value === undefined ? "null" : JSON.stringify(value)))
    .catch((error) => host.fail(error !== null && typeof error === "object" && "message" in error ? String(error.message) : String(error)));
})();`;

/**
 * Executes `source` (an ES module whose default export is `transform(trigger, ctx)`) on a copy
 * of `trigger`. The code runs in its own `node:vm` context with no `process`, `require`, timers
 * or network, and with a time limit; this keeps an emulator alive through a bad transform but
 * is not a security boundary, so run only your own definitions.
 * @example
 * const result = await runTransformSource("export default (t) => ({ id: t.id })", { id: 1 }, { actionId: "a", env: "sandbox", nowMs: Date.now() });
 */
export async function runTransformSource(
  source: string,
  trigger: unknown,
  run: EmulatorRunContext,
  options: { timeoutMs?: number } = {},
): Promise<EmulatorRunResult> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const logs: string[] = [];
  let code: string;
  try {
    code = await compile(source, `${run.actionId}.transform.js`);
  } catch (error) {
    return { ok: false, code: "E_TRANSFORM", message: `the transform source does not compile: ${error instanceof Error ? error.message : String(error)}`, logs };
  }

  let settle: (result: EmulatorRunResult) => void = () => undefined;
  const settled = new Promise<EmulatorRunResult>((done) => {
    settle = done;
  });
  const sink = (...args: unknown[]): void => {
    logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  };
  const host = {
    factory: undefined as unknown,
    input: JSON.stringify(trigger ?? null),
    actionId: run.actionId,
    env: run.env,
    nowMs: run.nowMs,
    log: (line: string) => logs.push(line),
    done: (json: string) => settle({ ok: true, output: JSON.parse(json) as unknown, logs }),
    fail: (message: string) => settle({ ok: false, code: "E_TRANSFORM", message, logs }),
  };
  const context: Context = createContext(
    { __cxda: host, console: { log: sink, info: sink, warn: sink, error: sink, debug: sink } },
    // Microtasks run inside the evaluation, so an async transform is bounded by the same timeout.
    { name: `cxda-emulator:${run.actionId}`, codeGeneration: { strings: false, wasm: false }, microtaskMode: "afterEvaluate" },
  );
  try {
    host.factory = new Script(`(function (exports, module, require) {\n${code}\n})`, { filename: `${run.actionId}.transform.js` }).runInContext(context, {
      timeout: timeoutMs,
    });
    new Script(RUNNER, { filename: "cxda-emulator-runner.js" }).runInContext(context, { timeout: timeoutMs });
  } catch (error) {
    const timedOut = (error as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
    const message = error !== null && typeof error === "object" && "message" in error ? String((error as { message: unknown }).message) : String(error);
    return timedOut
      ? { ok: false, code: "E_TIMEOUT", message: `the transform ran longer than ${timeoutMs} ms`, logs }
      : { ok: false, code: "E_TRANSFORM", message, logs };
  }
  // Anything still pending now waits on something that never comes (the context has no timers or I/O).
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<EmulatorRunResult>((done) => {
    timer = setTimeout(() => done({ ok: false, code: "E_TIMEOUT", message: `the transform did not settle within ${timeoutMs} ms`, logs }), timeoutMs);
  });
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
