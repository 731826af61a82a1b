// Runs a definition's transform.source (an ES module) for /execute: esbuild to CommonJS, then a node:vm context with a timeout.
import { createHash } from "node:crypto";
import { Script, createContext, type Context } from "node:vm";
import { types } from "node:util";
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
  | { ok: false; code: "E_TRANSFORM" | "E_TIMEOUT" | "E_OUTPUT" | "E_LOG"; message: string; logs: string[] };

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

/**
 * Runs inside the context: installs a console, builds the module, freezes the input, calls the export, and leaves the
 * outcome in `__cxdaState` as strings. Nothing from the host realm is reachable from here: the context's global has
 * no prototype and holds only primitives, so no host `Function` (the classic `x.constructor.constructor("return
 * process")()` escape) can be found through it.
 */
const RUNNER = `(() => {
  const logs = [];
  const limits = JSON.parse(globalThis.__cxdaLimitsJson);
  const state = { logs, settled: false, ok: false, json: "null", message: "", code: "E_TRANSFORM" };
  // Sizes are measured before anything is joined or serialised: a 100 MB value is refused, never copied.
  const atLeast = (value, budget) => {
    let size = 0;
    const visit = (v) => {
      if (size > budget) return;
      if (typeof v === "string") size += v.length + 2;
      else if (Array.isArray(v)) { size += v.length + 2; for (let i = 0; i < v.length && size <= budget; i++) visit(v[i]); }
      else if (v !== null && typeof v === "object") { for (const key of Object.keys(v)) { size += key.length + 3; visit(v[key]); if (size > budget) return; } }
      else size += 1;
    };
    visit(value);
    return size;
  };
  let logged = 0;
  const line = (args) => args.map((a) => typeof a === "string" ? a : JSON.stringify(a)).join(" ");
  const sink = (...args) => {
    if (state.code === "E_LOG") return;
    const size = atLeast(args, limits.maxLogBytes);
    logged += size;
    if (size > limits.maxLogBytes || logged > limits.maxLogBytes * 16) {
      state.code = "E_LOG";
      state.message = "the transform logged more than the emulator keeps (" + limits.maxLogBytes + " bytes a line, " + limits.maxLogBytes * 16 + " in all); log less";
      return;
    }
    logs.push(line(args));
  };
  globalThis.console = { log: sink, info: sink, warn: sink, error: sink, debug: sink };
  globalThis.__cxdaState = state;
  const describe = (error) => {
    try {
      return error !== null && typeof error === "object" && "message" in error ? String(error.message) : String(error);
    } catch {
      return "the transform threw a value that cannot be described";
    }
  };
  const cut = (text) => text.length > limits.maxLogBytes ? text.slice(0, limits.maxLogBytes) + "… (" + (text.length - limits.maxLogBytes) + " more characters cut)" : text;
  const failed = (error) => { if (state.code !== "E_LOG") state.message = cut(describe(error)); state.settled = true; };
  const finished = (value) => {
    if (state.code === "E_LOG") { state.settled = true; return; }
    if (atLeast(value, limits.maxOutputBytes) > limits.maxOutputBytes) {
      state.code = "E_OUTPUT";
      state.message = "the output is more than " + limits.maxOutputBytes + " bytes of JSON (the platform's response cap); return less";
      state.settled = true;
      return;
    }
    state.json = value === undefined ? "null" : JSON.stringify(value);
    state.ok = true;
    state.settled = true;
  };
  try {
  const module = { exports: {} };
  const require = (name) => { throw new Error("cannot import \\"" + name + "\\" in the emulator: only self-contained transforms run here"); };
  globalThis.__cxdaFactory.call(module.exports, module.exports, module, require);
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
  const trigger = freeze(JSON.parse(globalThis.__cxdaInput));
  const nowMs = globalThis.__cxdaNowMs;
  const ctx = Object.freeze({
    actionId: globalThis.__cxdaActionId,
    env: globalThis.__cxdaEnv,
    vars: Object.freeze({}),
    now: () => new Date(nowMs),
    log: sink,
  });
  Promise.resolve()
    .then(() => fn(trigger, ctx))
    .then(finished)
    .catch(failed);
  } catch (error) {
    failed(error);
  }
})();`;

/** Reads the outcome inside the context, under the time limit, as one JSON string: the host never touches a context object. */
const READ_STATE = `(() => {
  const s = globalThis.__cxdaState;
  return JSON.stringify({ settled: s.settled === true, ok: s.ok === true, json: String(s.json), message: String(s.message), code: String(s.code), logs: Array.from(s.logs, String) });
})()`;

/** The lines logged so far, read inside the context (after a throw or a timeout the state may be half-built). */
function readLogs(context: Context, timeoutMs: number): string[] {
  try {
    const text: unknown = new Script("JSON.stringify(Array.from((globalThis.__cxdaState || { logs: [] }).logs, String))").runInContext(context, {
      timeout: timeoutMs,
    });
    return typeof text === "string" ? (JSON.parse(text) as string[]) : [];
  } catch {
    return [];
  }
}

/**
 * Executes `source` (an ES module whose default export is `transform(trigger, ctx)`) on a copy
 * of `trigger`. The code runs in its own `node:vm` context with no `process`, `require`, timers
 * or network, no string code generation, and no object from the host realm (only primitives cross
 * in, only JSON text comes out), with a time limit on every evaluation; this keeps an emulator
 * alive through a bad transform but is not a security boundary (node:vm is not one), so run only
 * your own definitions.
 * @example
 * const result = await runTransformSource("export default (t) => ({ id: t.id })", { id: 1 }, { actionId: "a", env: "sandbox", nowMs: Date.now() });
 */
export async function runTransformSource(
  source: string,
  trigger: unknown,
  run: EmulatorRunContext,
  options: { timeoutMs?: number; maxOutputBytes?: number; maxLogBytes?: number } = {},
): Promise<EmulatorRunResult> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxOutputBytes = options.maxOutputBytes ?? 32_768;
  const logs: string[] = [];
  let code: string;
  try {
    code = await compile(source, `${run.actionId}.transform.js`);
  } catch (error) {
    return {
      ok: false,
      code: "E_TRANSFORM",
      message: `the transform source does not compile: ${error instanceof Error ? error.message : String(error)}`,
      logs,
    };
  }

  // A null-prototype global with primitives only: the code inside cannot reach a host object, hence no host Function.
  const context: Context = createContext(Object.create(null) as object, {
    name: `cxda-emulator:${run.actionId}`,
    codeGeneration: { strings: false, wasm: false },
    // Microtasks run inside each evaluation, so an async transform settles (or not) within the same time limit.
    microtaskMode: "afterEvaluate",
  });
  const globals = context as Record<string, unknown>;
  globals["__cxdaInput"] = JSON.stringify(trigger ?? null);
  globals["__cxdaActionId"] = run.actionId;
  globals["__cxdaEnv"] = run.env;
  globals["__cxdaNowMs"] = run.nowMs;
  // Primitives only, as everything the context receives (see the null-prototype global above): read as JSON inside.
  globals["__cxdaLimitsJson"] = JSON.stringify({ maxOutputBytes, maxLogBytes: options.maxLogBytes ?? 65_536 });
  const fail = (error: unknown, logs: string[]): EmulatorRunResult => {
    // The runner catches what the transform throws, so what reaches here is Node's (a timeout) or a broken runner.
    // Only plain data properties of a native error are read: a getter or a proxy would run the transform's code again.
    const field = (name: string): unknown => (types.isNativeError(error) ? Object.getOwnPropertyDescriptor(error, name)?.value : undefined);
    if (field("code") === "ERR_SCRIPT_EXECUTION_TIMEOUT")
      return { ok: false, code: "E_TIMEOUT", message: `the transform ran longer than ${timeoutMs} ms`, logs };
    const message = field("message");
    return {
      ok: false,
      code: "E_TRANSFORM",
      message: typeof message === "string" ? message : "the transform failed in a way the emulator cannot describe",
      logs,
    };
  };
  try {
    globals["__cxdaFactory"] = new Script(`(function (exports, module, require) {\n${code}\n})`, {
      filename: `${run.actionId}.transform.js`,
    }).runInContext(context, {
      timeout: timeoutMs,
    });
    new Script(RUNNER, { filename: "cxda-emulator-runner.js" }).runInContext(context, { timeout: timeoutMs });
  } catch (error) {
    return fail(error, readLogs(context, timeoutMs));
  }
  let state: { settled: boolean; ok: boolean; json: string; message: string; code: string; logs: string[] };
  try {
    const text: unknown = new Script(READ_STATE, { filename: "cxda-emulator-state.js" }).runInContext(context, { timeout: timeoutMs });
    if (typeof text !== "string") throw new Error("the transform replaced the emulator's state");
    state = JSON.parse(text) as typeof state;
  } catch (error) {
    return fail(error, logs);
  }
  logs.push(...state.logs);
  if (!state.settled) {
    // The context has no timers or I/O: a promise still pending after the microtasks ran can never settle.
    return {
      ok: false,
      code: "E_TIMEOUT",
      message: "the transform's promise never settles: it waits on something the emulator does not provide (timers, I/O)",
      logs,
    };
  }
  if (!state.ok)
    return { ok: false, code: state.code === "E_LOG" || state.code === "E_OUTPUT" ? state.code : "E_TRANSFORM", message: state.message, logs };
  // The walk inside counted characters; the cap is in bytes of UTF-8.
  const bytes = Buffer.byteLength(state.json);
  if (bytes > maxOutputBytes)
    return {
      ok: false,
      code: "E_OUTPUT",
      message: `the output is ${bytes} bytes of JSON, over the ${maxOutputBytes}-byte limit (the platform's response cap); return less`,
      logs,
    };
  return { ok: true, output: JSON.parse(state.json) as unknown, logs };
}
