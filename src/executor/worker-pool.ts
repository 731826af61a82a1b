// A pool of sandboxed workers that runs batches of cases, enforces per-case timeouts and memory limits, and replaces dead workers.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { CxdaError, toProblem, type Problem } from "../core/errors.js";
import { workerModule } from "../internal/worker-module.js";
import type { UpstreamResponse } from "../core/types.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import type { UpstreamReply } from "../platforms/genesys/declarative/run-declarative.js";
import { MAX_MEMORY_MB, MAX_TIMEOUT_MS, MIN_MEMORY_MB } from "../config/run-limits.js";
import { DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_MS } from "../config/defaults.js";
import type {
  UpstreamMessage,
  UpstreamReplyMessage,
  BatchInstrumentation,
  BatchMessage,
  HostFault,
  HostMessage,
  HostStart,
  InstrumentOptions,
  PoolCase,
  ResultDetail,
  WorkerAction,
  WorkerCaseResult,
} from "./protocol.js";
import { BatchEncoder, TIMING_SLOTS, WORKER_PHASE, decodeResults, resultOf, roundMs } from "./wire.js";
import { sandboxArguments, type SandboxIsolation } from "./sandbox-arguments.js";

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  /** Number of worker threads. @default the number of cores */
  workers?: number;
  /** Milliseconds one case may run before its worker is stopped and replaced. @default 2000 */
  timeoutMs?: number;
  /** Old-generation heap limit of each worker, in MB. @default 256 */
  memoryMb?: number;
  /** Let transforms use the network (fetch, http, net…). @default false */
  allowNetwork?: boolean;
  /** Let transforms write files: in their readable folders and the temp folder (see `readPaths`). @default false */
  allowFsWrite?: boolean;
  /** Milliseconds a transform module may take to load (its top-level code) before its batch is given up. @default 10000 */
  loadTimeoutMs?: number;
  /** Largest output a transform may return, in bytes of JSON: the platform's response cap. @default 32768 */
  maxOutputBytes?: number;
  /** Largest log line or error message a case may leave, in bytes; a longer one is an `E_LOG` error. @default 65536 */
  maxLogBytes?: number;
  /**
   * Files and folders transforms may read (their action folders, say); the bundles' folder and cxda's own code are
   * always readable, and nothing else is. @default [".cxda/build"]
   */
  readPaths?: string[];
  /** Told once how the pool's sandbox is isolated, and what it lacks (what `--debug` prints). */
  onIsolation?: (isolation: SandboxIsolation) => void;
  /**
   * Open the V8 inspector to the workers, for coverage and CPU profiles. Node 20's permission model refuses the
   * inspector, so such a pool's processes run without it (still with an empty environment and the module stand-ins).
   * @default false
   */
  inspector?: boolean;
}

/** Pool options with every default applied. */
export interface ResolvedWorkerPoolOptions {
  workers: number;
  timeoutMs: number;
  loadTimeoutMs: number;
  maxOutputBytes: number;
  maxLogBytes: number;
  memoryMb: number;
  allowNetwork: boolean;
  allowFsWrite: boolean;
  readPaths: string[];
  inspector: boolean;
}

/** Applies defaults and rejects values that cannot work. */
export function resolveWorkerPoolOptions(options: WorkerPoolOptions = {}): ResolvedWorkerPoolOptions {
  const resolved = {
    workers: options.workers ?? availableParallelism(),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    loadTimeoutMs: options.loadTimeoutMs ?? 10_000,
    maxOutputBytes: options.maxOutputBytes ?? 32_768,
    maxLogBytes: options.maxLogBytes ?? 65_536,
    memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
    allowNetwork: options.allowNetwork ?? false,
    allowFsWrite: options.allowFsWrite ?? false,
    readPaths: (options.readPaths ?? [join(".cxda", "build")]).map((path) => resolve(path)),
    inspector: options.inspector ?? false,
  };
  const positiveInteger = (name: string, value: number, min: number): void => {
    if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  };
  positiveInteger("workers", resolved.workers, 1);
  positiveInteger("timeoutMs", resolved.timeoutMs, 1);
  if (resolved.timeoutMs > MAX_TIMEOUT_MS)
    throw new RangeError(`timeoutMs must be at most ${MAX_TIMEOUT_MS} (ten minutes), got ${resolved.timeoutMs}`);
  if (resolved.memoryMb > MAX_MEMORY_MB) throw new RangeError(`memoryMb must be at most ${MAX_MEMORY_MB}, got ${resolved.memoryMb}`);
  positiveInteger("loadTimeoutMs", resolved.loadTimeoutMs, 1);
  positiveInteger("maxOutputBytes", resolved.maxOutputBytes, 2);
  positiveInteger("maxLogBytes", resolved.maxLogBytes, 64);
  positiveInteger("memoryMb", resolved.memoryMb, MIN_MEMORY_MB);
  return resolved;
}

/** Receives each case's result as soon as it is known; `index` is the case's position in the submitted list. */
export type ResultListener = (index: number, result: WorkerCaseResult) => void;

/** Told when cases are handed to a worker (a batch at a time); indices are positions in the submitted list. */
export type StartListener = (indices: number[]) => void;

/** What to measure while a run's batches execute, and who receives each batch's measurements. */
export interface RunMeasurement {
  instrument: InstrumentOptions;
  /** Called once per batch that finished normally (a batch whose worker was stopped reports nothing). */
  onInstrumentation: (data: BatchInstrumentation) => void;
}

/** Per-run options of {@link WorkerPool.run}. */
export interface RunOptions {
  /** Told when cases are handed to a worker. */
  onStart?: StartListener;
  /** Measure inside the workers while the run's batches execute. */
  measure?: RunMeasurement;
  /** How much of a passing case's result to bring back (see ResultDetail). @default "full" */
  detail?: ResultDetail;
  /**
   * Sends a declarative action's request upstream, outside the sandbox (see runner/upstream-service.ts); a run of
   * declarative cases without one gets an `E_UPSTREAM` error for each request.
   */
  upstream?: UpstreamHandler;
}

/** Sends a resolved request to the loopback stub serving `answer`, or (live) to its real endpoint. */
export type UpstreamHandler = (request: ResolvedRequest, answer: UpstreamResponse | undefined) => Promise<UpstreamReply>;

/** Runs cases on worker threads. */
export interface WorkerPool {
  /**
   * Runs `cases` of `action`; resolves when every case has a result (and, when measuring, every batch has reported).
   * Results arrive through `onResult`, in any order. Triggers cross to the workers as JSON, as the platform would
   * send them (a Date arrives as its ISO text); a case whose trigger JSON cannot carry (a BigInt, a cycle), or whose
   * variables are not JSON data (a Date, a RegExp), gets an `E_CASE` error.
   */
  run(action: WorkerAction, cases: PoolCase[], onResult: ResultListener, options?: RunOptions): Promise<void>;
  /** Starts more workers, up to `workers` in all (a pool never shrinks). */
  grow(workers: number): void;
  /** Stops every worker. */
  close(): Promise<void>;
  /** The number of workers. */
  readonly size: number;
  /** How the workers are isolated, for `--debug` and the threat model's limits. */
  readonly isolation: SandboxIsolation;
  /**
   * CPU time the pool's live sandbox processes have used, in µs (from `/proc`, so Linux only: undefined elsewhere). A
   * process replaced since takes its time with it.
   */
  cpuMicros(): number | undefined;
  /**
   * The highest resident size each live sandbox process has reached, in bytes, summed (from `/proc`, so Linux only:
   * undefined elsewhere): with cxda's own peak, an upper bound of what a run held at once.
   */
  peakRssBytes(): number | undefined;
}

interface Job {
  action: WorkerAction;
  /** The action's key in the pool (see keyOf). */
  key: number;
  cases: PoolCase[];
  /** Position of each case in the submitted list. */
  positions: number[];
  submission: Submission;
  /** Requeued after its worker died: its cases were announced as started already. */
  requeued?: boolean;
  /** Run checking the built-ins after every case (see BatchMessage.careful). */
  careful?: boolean;
  /** Set when the job is handed to a worker. */
  batchId: number;
  /** Index (within the job) of the first case whose result has not arrived. */
  next: number;
}

interface Submission {
  remaining: number;
  onResult: ResultListener;
  onStart: StartListener | undefined;
  resolve: () => void;
  reject: (error: Error) => void;
  measure: RunMeasurement | undefined;
  detail: ResultDetail;
  upstream: UpstreamHandler | undefined;
  /** Batches handed out and not yet done (counted only when measuring: their data comes with the batch's end). */
  batchesOut: number;
}

interface Slot {
  /** The sandbox process holding the worker thread (see sandbox-process.ts). */
  process: ChildProcess;
  /** Batches handed to the worker and not yet done, oldest (the one it runs) first; at most {@link IN_FLIGHT}. */
  jobs: Job[];
  /** Keys of the actions whose definitions this worker holds, least recently used first (at most {@link KNOWN_ACTIONS}). */
  known: Set<number>;
  /** The worker has loaded its modules and said so: it would start a batch at once. */
  ready: boolean;
  /** Why the process is being stopped, with what its worker was doing then. */
  fault: HostFault | undefined;
  /** The worker asked to be replaced after its last result: nobody is to blame. */
  recycling: boolean;
  /** The rest of its batches must run checking after every case. */
  careful: boolean;
  /** The end of what the process wrote to stderr, to explain a process that died. */
  stderr: string;
  /** When the process last sent anything, or was last handed a batch while idle (ms since the epoch). */
  heard: number;
}

/**
 * Batches a worker holds at once: the one it runs and the next, so it starts the next without waiting for the main
 * thread to hear that the first is done.
 */
const IN_FLIGHT = 2;

/** Definitions a worker keeps compiled at once; beyond that it forgets the least recently used (watch mode makes many). */
const KNOWN_ACTIONS = 16;

/** Sandbox processes that may die in a row before ever starting, before the pool gives up (a Node that refuses a flag). */
const START_FAILURES = 3;

/**
 * The compiled modules sit beside this file in `dist/`, each also bundled into one file by the build (`.bundle.js`,
 * which starts faster: scripts/bundle-sandbox.mjs). When cxda runs from its TypeScript sources (its own tests), each is
 * bundled once with esbuild into node_modules/.cache so that packages still resolve.
 */
function resolveEntry(name: "worker-entry" | "sandbox-process"): Promise<string> {
  return workerModule(dirname(fileURLToPath(import.meta.url)), name, { bundled: true, sourcemap: true });
}

/**
 * A fault as a declarative action's case reads it: it has no transform; its templates (a backtracking regex) or its
 * upstream (an endpoint that does not answer) are what ran too long or grew too large.
 */
function declarativeWords(action: WorkerAction, fault: Problem, timeoutMs: number): Problem {
  if (!("declarative" in action.bundle)) return fault;
  if (fault.code === "E_TIMEOUT") {
    return {
      code: fault.code,
      message: `the action did not finish within ${timeoutMs} ms: a template that never ends (a regex that backtracks, a huge #foreach) or an upstream that does not answer; raise --timeout if the endpoint is just slow`,
    };
  }
  return { code: fault.code, message: fault.message.replace(/^the transform /, "the action (its templates and the upstream's answer) ") };
}

/** Clock ticks per second of `/proc/<pid>/stat`'s times: 100 on every Linux that Node runs on. */
const CLOCK_TICKS = 100;

/** User and system CPU time of a process, in µs, read from `/proc/<pid>/stat`; undefined where there is no `/proc`. */
export function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the command name (which may hold spaces), from the state on: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1_000_000;
  } catch {
    return undefined;
  }
}

/** The peak resident size of a process, in bytes, from `/proc/<pid>/status` (VmHWM); undefined where there is none. */
export function processPeakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const peak = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return peak === null ? undefined : Number(peak[1]) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Cases in one batch at most. Each batch costs a few hundred microseconds that do not depend on its size (its messages
 * both ways, the built-ins check, the relay through the sandbox process): about 1 µs per case at 256 cases, a fifth of
 * a quick case's cost (decision 5).
 */
const MAX_BATCH = 1024;

/** A batch's size before an action's cases have been timed. */
const FIRST_BATCH = 256;

/**
 * How long a batch should take once an action's cases are timed: long enough to spread its fixed cost, short enough
 * that slow cases still spread evenly over the workers.
 */
const BATCH_TARGET_MS = 20;

/**
 * How many cases go to a worker in one message, given the average time of the action's cases so far. Before they are
 * timed, a submission is cut into at least four batches per worker, so that a worker added while they run (a small run
 * that turns out slow) finds some still queued; unless it is measured, since each measured batch starts and stops the
 * profiler or takes coverage (milliseconds each).
 */
export function batchSize(cases: number, workers: number, caseMs: number | undefined, measured: boolean): number {
  const timed = caseMs !== undefined && Number.isFinite(caseMs);
  const byTime = timed ? Math.floor(BATCH_TARGET_MS / Math.max(caseMs, 0.001)) : FIRST_BATCH;
  return Math.max(1, Math.min(MAX_BATCH, byTime, Math.ceil(cases / (timed || measured ? workers : workers * 4))));
}

/**
 * Starts a pool of sandboxed workers: each is a worker thread inside a process of its own, started with an empty
 * environment and Node's permission model (see sandbox-process.ts). Each case runs under a timeout and a memory limit;
 * a worker that hangs, runs out of memory or exits is replaced, its case is reported as an error, and the rest of its
 * batch carries on.
 * @example
 * const pool = await createWorkerPool({ workers: 2, readPaths: ["actions"] });
 * await pool.run(action, cases, (index, result) => console.log(index, result.status));
 * await pool.close();
 */
export async function createWorkerPool(options: WorkerPoolOptions = {}): Promise<WorkerPool> {
  const settings = resolveWorkerPoolOptions(options);
  const [workerEntry, hostEntry] = await Promise.all([resolveEntry("worker-entry"), resolveEntry("sandbox-process")]);
  const sandbox = sandboxArguments({
    readPaths: settings.readPaths,
    code: [workerEntry, hostEntry],
    inspector: settings.inspector,
    fsWrite: settings.allowFsWrite,
  });
  options.onIsolation?.(sandbox.isolation);
  return new SandboxPool(settings, workerEntry, hostEntry, sandbox);
}

/**
 * The pool itself: a queue of jobs, a slot per sandbox process, and the runs waiting for results. Everything that
 * happens to a sandbox (a message, an exit, a silence) comes through one of its methods.
 */
class SandboxPool implements WorkerPool {
  readonly isolation: SandboxIsolation;
  private readonly queue: Job[] = [];
  private readonly slots: Slot[] = [];
  private nextBatchId = 1;
  private closed = false;
  /** Why the pool cannot start workers at all, once it has found out. */
  private broken: Error | undefined;
  private startFailures = 0;
  private readonly epoch = Date.now();
  private readonly start: HostStart;
  /**
   * A pool keeps cxda's process alive while a run is open (its workers may still be starting), and an idle pool does
   * not: neither a child, nor its channel, nor its pipes.
   */
  private referenced = false;
  /** Runs submitted and not yet settled: closing the pool ends them, rather than leaving their callers waiting. */
  private readonly open = new Set<Submission>();
  /**
   * Pool-wide keys of actions, so a worker is sent each definition once. Equal definitions share a key even as
   * separate objects (a listener or a vitest suite builds one per run), so a long-lived pool does not collect copies.
   */
  private readonly actionKeys = new WeakMap<WorkerAction, number>();
  private readonly keysByContent = new Map<string, number>();
  /** The average duration of each action's cases so far (a moving average, by action key): what sizes its batches. */
  private readonly caseMs = new Map<number, number>();
  private readonly encoder = new BatchEncoder();
  private readonly backstop: NodeJS.Timeout;

  constructor(
    private readonly settings: ResolvedWorkerPoolOptions,
    workerEntry: string,
    private readonly hostEntry: string,
    private readonly sandbox: ReturnType<typeof sandboxArguments>,
  ) {
    this.isolation = sandbox.isolation;
    this.start = {
      type: "start",
      entry: workerEntry,
      epoch: this.epoch,
      maxOutputBytes: settings.maxOutputBytes,
      maxLogBytes: settings.maxLogBytes,
      memoryMb: settings.memoryMb,
      allowNetwork: settings.allowNetwork,
      timeoutMs: settings.timeoutMs,
      loadTimeoutMs: settings.loadTimeoutMs,
    };
    this.backstop = setInterval(() => this.stopSilent(), 1_000);
    this.backstop.unref();
    for (let i = 0; i < settings.workers; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  grow(workers: number): void {
    if (this.closed) return;
    while (this.slots.length < workers) this.slots.push(this.spawn());
    this.dispatch();
  }

  run(action: WorkerAction, cases: PoolCase[], onResult: ResultListener, options: RunOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the worker pool is closed"));
    if (this.broken !== undefined) return Promise.reject(this.broken);
    if ("file" in action.bundle && !this.readable(action.bundle.file)) {
      return Promise.reject(
        new CxdaError(
          "E_USAGE",
          `the transform bundle ${action.bundle.file} is outside the folders this pool's sandbox may read; start the pool with its folder in readPaths (createWorkerPool({ readPaths: [...] }))`,
        ),
      );
    }
    if (cases.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const submission: Submission = {
        remaining: cases.length,
        onResult,
        onStart: options.onStart,
        resolve,
        reject,
        measure: options.measure,
        detail: options.detail ?? "full",
        upstream: options.upstream,
        batchesOut: 0,
      };
      this.open.add(submission);
      this.updateRefs();
      const key = this.keyOf(action);
      const size = batchSize(cases.length, this.slots.length, this.caseMs.get(key), options.measure !== undefined);
      for (let offset = 0; offset < cases.length; offset += size) {
        const slice = cases.slice(offset, offset + size);
        this.queue.push({ action, key, cases: slice, positions: slice.map((_, i) => offset + i), submission, batchId: 0, next: 0 });
      }
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.backstop);
    // Runs still going get no more results: they end with an error instead of waiting for ever.
    for (const submission of this.open)
      submission.reject(new Error(`the worker pool was closed with ${submission.remaining} case(s) of a run still to finish`));
    this.open.clear();
    this.queue.length = 0;
    // Nothing in a sandbox process is worth waiting for: each ends at once, even a thread blocked in a native call.
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.process.exitCode !== null || slot.process.signalCode !== null) return;
        const exited = new Promise((resolve) => slot.process.once("exit", resolve));
        // Held while it ends, or cxda's process could run out of work before close() settles.
        slot.process.ref();
        slot.process.kill("SIGKILL");
        await exited;
      }),
    );
  }

  cpuMicros(): number | undefined {
    return this.sumOverSandboxes(processCpuMicros);
  }

  peakRssBytes(): number | undefined {
    return this.sumOverSandboxes(processPeakRss);
  }

  /** Whether the sandbox may read `file` (always, when the permission model is off). */
  private readable(file: string): boolean {
    const { isolation } = this.sandbox;
    return (
      !isolation.permissionModel || isolation.readable.some((path) => (path.endsWith("/*") ? file.startsWith(path.slice(0, -1)) : file === path))
    );
  }

  /** A figure read from `/proc` for each live sandbox process, summed; undefined when any cannot be read. */
  private sumOverSandboxes(read: (pid: number | undefined) => number | undefined): number | undefined {
    let total = 0;
    for (const slot of this.slots) {
      const value = read(slot.process.pid);
      if (value === undefined) return undefined;
      total += value;
    }
    return total;
  }

  private setRef(slot: Slot, ref: boolean): void {
    const method = ref ? "ref" : "unref";
    slot.process[method]();
    slot.process.channel?.[method]();
  }

  private updateRefs(): void {
    const busy = this.open.size > 0 && !this.closed;
    if (busy === this.referenced) return;
    this.referenced = busy;
    for (const slot of this.slots) this.setRef(slot, busy);
  }

  /**
   * Ends a sandbox process for a fault the pool found itself (the process said nothing of what its worker was doing):
   * the first case without a result answers for it (see onExit).
   */
  private stopSlot(slot: Slot, message: string): void {
    slot.fault ??= {
      type: "fault",
      fault: { code: "E_SANDBOX", message },
      state: { batchId: 0, index: 0, phase: WORKER_PHASE.idle, since: 0 },
      at: Date.now() - this.epoch,
    };
    slot.process.kill("SIGKILL");
  }

  private spawn(): Slot {
    const child = fork(this.hostEntry, [], {
      execArgv: this.sandbox.execArgv,
      // Nothing of cxda's environment (credentials, tokens, CI secrets) reaches the sandbox.
      env: {},
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const slot: Slot = {
      process: child,
      jobs: [],
      known: new Set(),
      ready: false,
      fault: undefined,
      recycling: false,
      careful: false,
      stderr: "",
      heard: Date.now(),
    };
    // What the sandbox writes to its own stdout and stderr never reaches cxda's: a transform's output stays its own.
    child.stdout?.resume();
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      slot.stderr = (slot.stderr + text).slice(-2048);
    });
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    child.on("message", (message: HostMessage) => this.onMessage(slot, message));
    child.on("error", (error) => this.stopSlot(slot, `the sandbox process could not be started or reached: ${error.message}`));
    child.on("exit", (code, signal) => this.onExit(slot, code, signal));
    child.send(this.start);
    this.setRef(slot, this.referenced);
    return slot;
  }

  /**
   * The last line of defence, every second: a sandbox process that holds batches and has said nothing for longer than
   * any case or module load may take is stopped. Its own watchdog normally reports first; this catches one whose main
   * thread or channel to cxda a transform managed to break.
   */
  private stopSilent(): void {
    const silenceMs = Math.max(this.settings.timeoutMs, this.settings.loadTimeoutMs) + 5_000;
    const now = Date.now();
    for (const slot of this.slots) {
      if (slot.jobs.length === 0 || slot.fault !== undefined || slot.recycling || now - slot.heard <= silenceMs) continue;
      this.stopSlot(
        slot,
        `the sandbox process running the transform stopped answering for ${now - slot.heard} ms (its channel to cxda was broken, or its main thread blocked)`,
      );
    }
  }

  /** The batch the worker was on when its process reported a fault, when it is one of the slot's. */
  private faultedJob(slot: Slot): Job | undefined {
    const batchId = slot.fault?.state.batchId;
    return batchId === undefined ? undefined : slot.jobs.find((job) => job.batchId === batchId);
  }

  private keyOf(action: WorkerAction): number {
    let key = this.actionKeys.get(action);
    if (key === undefined) {
      const content = createHash("sha256").update(JSON.stringify(action)).digest("hex");
      key = this.keysByContent.get(content);
      if (key === undefined) this.keysByContent.set(content, (key = this.keysByContent.size + 1));
      this.actionKeys.set(action, key);
    }
    return key;
  }

  /** Hands one queued job to `slot`'s worker; false when the queue is empty. */
  private handOut(slot: Slot): boolean {
    const job = this.queue.shift();
    if (job === undefined) return false;
    const { text, kept, faults } = this.encoder.encode(job.cases);
    if (!job.requeued) job.submission.onStart?.(job.positions);
    // Cases JSON cannot carry are answered after they were announced, like any other, and leave the batch.
    for (const [index, fault] of faults) this.deliver(job, index, faultResult(fault));
    if (faults.length > 0) {
      job.cases = kept.map((i) => job.cases[i]!);
      job.positions = kept.map((i) => job.positions[i]!);
    }
    if (job.cases.length === 0) return true;
    job.batchId = this.nextBatchId++;
    job.next = 0;
    if (slot.jobs.length === 0) slot.heard = Date.now();
    slot.jobs.push(job);
    const actionKey = job.key;
    const message: BatchMessage = { type: "batch", batchId: job.batchId, actionKey, cases: text, detail: job.submission.detail };
    if (job.careful === true) message.careful = true;
    if (slot.known.has(actionKey)) {
      // Most recently used last: the oldest definition is the one a worker forgets first.
      slot.known.delete(actionKey);
      slot.known.add(actionKey);
    } else {
      message.action = job.action;
      slot.known.add(actionKey);
      if (slot.known.size > KNOWN_ACTIONS) {
        const oldest = slot.known.values().next().value!;
        slot.known.delete(oldest);
        message.forget = [oldest];
      }
    }
    if (job.submission.measure !== undefined) {
      message.instrument = job.submission.measure.instrument;
      job.submission.batchesOut++;
    }
    slot.process.send(message);
    return true;
  }

  /**
   * Hands out queued jobs. An idle worker that has started (loaded its modules) takes one; while no worker has started
   * and none is busy, the oldest takes one, so a run never waits on start-up alone. A worker takes a second job (to
   * start it without waiting for the main thread) only while no other worker, started or starting, is without one. So
   * a job goes to whichever worker is free first: a warm worker that finishes early, or one that has just started. A
   * worker being stopped takes nothing: its fault belongs to the batches it had.
   */
  private dispatch(): void {
    const usable = this.slots.filter((slot) => slot.fault === undefined);
    // A job can come back empty (every case unsendable): then the worker is still idle and takes the next.
    for (const slot of usable) while (slot.ready && slot.jobs.length === 0) if (!this.handOut(slot)) return;
    if (!usable.some((slot) => slot.ready || slot.jobs.length > 0)) {
      const oldest = usable[0];
      while (oldest !== undefined && oldest.jobs.length === 0) if (!this.handOut(oldest)) return;
    }
    if (usable.some((slot) => slot.jobs.length === 0)) return;
    for (let held = 1; held < IN_FLIGHT; held++) {
      for (const slot of usable) if (slot.jobs.length === held && !this.handOut(slot)) return;
    }
  }

  private settle(submission: Submission): void {
    if (submission.remaining === 0 && submission.batchesOut === 0 && this.open.delete(submission)) {
      this.updateRefs();
      submission.resolve();
    }
  }

  private deliver(job: Job, index: number, result: WorkerCaseResult): void {
    const average = this.caseMs.get(job.key);
    const took = result.durationMs;
    // A duration that is not a time (a transform cannot forge one, but a fault may leave none) never sizes a batch.
    if (Number.isFinite(took) && took >= 0) this.caseMs.set(job.key, average === undefined ? took : average + (took - average) * 0.05);
    job.submission.onResult(job.positions[index]!, result);
    job.submission.remaining--;
    this.settle(job.submission);
  }

  /** A measured batch ended: hand over its data (none when its worker died) and maybe settle its run. */
  private batchEnded(job: Job, data: BatchInstrumentation | undefined): void {
    const submission = job.submission;
    if (submission.measure === undefined) return;
    submission.batchesOut--;
    if (data !== undefined) submission.measure.onInstrumentation(data);
    this.settle(submission);
  }

  private onMessage(slot: Slot, message: HostMessage): void {
    slot.heard = Date.now();
    if (message.type === "fault" || message.type === "recycle") {
      // A fault found by the sandbox process (with what the worker was doing), or a worker that wants replacing: the
      // process ends here, at once, whatever its thread is doing (even blocked in a native call).
      if (message.type === "fault") slot.fault ??= message;
      else {
        slot.recycling = true;
        slot.careful = message.careful === true;
      }
      slot.process.kill("SIGKILL");
      return;
    }
    if (message.type === "upstream") {
      this.sendUpstream(slot, message);
      return;
    }
    if (message.type === "ready") {
      slot.ready = true;
      this.startFailures = 0;
      if (!this.closed) this.dispatch();
      return;
    }
    // Results come for the oldest batch the worker holds, in order, each once: anything else is refused, never trusted
    // (a transform that reached the channel could otherwise pass another action's case, or crash the run).
    const job = slot.jobs[0];
    const wires =
      job !== undefined && message.type === "results" && message.batchId === job.batchId
        ? decodeResults(message, job.next, job.cases.length)
        : undefined;
    if (job === undefined || wires === undefined) {
      this.stopSlot(slot, "the sandbox process sent a message that is not a result of the batch it runs; it was stopped");
      return;
    }
    if (wires.length > 0) job.next = message.start + wires.length;
    for (let i = 0; i < wires.length; i++) this.deliver(job, message.start + i, resultOf(wires[i]!, message.timings, i * TIMING_SLOTS));
    if (message.done === undefined) return;
    slot.jobs.splice(slot.jobs.indexOf(job), 1);
    this.batchEnded(job, message.done.instrumentation);
    if (!this.closed) this.dispatch();
  }

  /**
   * A worker's request for its case's upstream: sent by the run's handler, and the answer (or why there is none)
   * returned to the same process. A request from a worker that runs no batch is refused, as any stray message is.
   */
  private sendUpstream(slot: Slot, message: UpstreamMessage): void {
    const job = slot.jobs[0];
    if (job === undefined || typeof message.id !== "number") {
      this.stopSlot(slot, "the sandbox process asked for an upstream request outside a batch; it was stopped");
      return;
    }
    const handler = job.submission.upstream;
    const reply = (body: UpstreamReplyMessage["reply"]): void => {
      if (slot.process.connected) slot.process.send({ type: "upstream-reply", id: message.id, reply: body } satisfies UpstreamReplyMessage);
    };
    if (handler === undefined) {
      reply({ error: { code: "E_UPSTREAM", message: "this run has no upstream service: run declarative actions through runCases or the CLI" } });
      return;
    }
    handler(message.request, message.answer).then(reply, (error: unknown) => reply({ error: toProblem(error, "E_UPSTREAM") }));
  }

  /** Why a sandbox process ended without reporting a fault, from how it ended and what it last wrote to stderr. */
  private unexplainedExit(slot: Slot, exitCode: number | null, signal: NodeJS.Signals | null): Problem {
    const how = signal ?? `exit code ${exitCode}`;
    if (/heap limit|out of memory|allocation failed/i.test(slot.stderr)) {
      return {
        code: "E_MEMORY",
        message: `the transform ran out of memory (one allocation larger than the ${this.settings.memoryMb} MB limit leaves room for: V8 ended the sandbox, ${how}); look for unbounded growth, or raise the limit (--memory)`,
      };
    }
    return { code: "E_SANDBOX", message: `the sandbox process running the transform ended unexpectedly (${how})` };
  }

  /** Every run still waiting ends with `error`: the pool cannot start a worker. */
  private breakPool(error: Error): void {
    this.broken = error;
    for (const submission of this.open) submission.reject(error);
    this.open.clear();
    this.queue.length = 0;
    this.updateRefs();
  }

  /**
   * A sandbox process ended: killed after a fault or a request to recycle, or on its own. A fresh process takes its
   * place and the batches it held are answered for (see {@link answerFor}); a process that never started, several
   * times in a row, breaks the pool.
   */
  private onExit(slot: Slot, exitCode: number | null, signal: NodeJS.Signals | null): void {
    const index = this.slots.indexOf(slot);
    if (this.closed || index < 0) return;
    if (!slot.ready && slot.fault === undefined && !slot.recycling && ++this.startFailures >= START_FAILURES) {
      this.slots.splice(index, 1);
      const said = slot.stderr.trim();
      this.breakPool(
        new Error(
          `the sandbox process for transforms could not start (${signal ?? `exit code ${exitCode}`})${said === "" ? "" : `: ${said.split("\n").slice(-5).join(" ")}`}`,
        ),
      );
      return;
    }
    this.slots[index] = this.spawn();
    this.answerFor(slot, slot.fault?.fault ?? this.unexplainedExit(slot, exitCode, signal));
    slot.jobs = [];
    this.dispatch();
  }

  /**
   * The batches of a sandbox process that ended. The case it was running (from its last report) gets the fault; cases
   * it finished but had not sent yet, and those after, run again on a fresh worker, as do the batches it held but had
   * not begun. A module that could not even load fails every case left in the batch, since each would fail the same way.
   */
  private answerFor(slot: Slot, fault: Problem): void {
    const reported = slot.fault;
    // When the worker died before it even marked a batch as begun, its oldest batch is the one to answer for it.
    const started = this.faultedJob(slot);
    const current = started ?? slot.jobs[0];
    // A process that died without a word (V8 aborting on an allocation too large for the heap, say) left no state: its
    // unsent results could hide which case it was on. Its batch runs again sending every result at once, blaming
    // nobody, so that a second death names the case exactly.
    const rerunCarefully = reported === undefined && !slot.recycling && current !== undefined && current.careful !== true;
    if (rerunCarefully) slot.careful = true;
    const phase = started === undefined ? WORKER_PHASE.idle : reported!.state.phase;
    const timing =
      reported !== undefined && started !== undefined
        ? { startedAt: this.epoch + reported.state.since, durationMs: reported.at - reported.state.since }
        : undefined;
    const requeue = (job: Job, from: number, to: number): void => {
      if (to > from)
        this.queue.unshift({
          ...job,
          cases: job.cases.slice(from, to),
          positions: job.positions.slice(from, to),
          requeued: true,
          careful: slot.careful || job.careful === true,
          batchId: 0,
          next: 0,
        });
    };
    // Newest first: each requeue goes to the front of the queue, so the oldest cases end up first.
    for (const job of [...slot.jobs].reverse()) {
      if (job !== current || slot.recycling || rerunCarefully) {
        requeue(job, job.next, job.cases.length);
      } else if (reported?.loading === true || phase === WORKER_PHASE.loading) {
        for (let i = job.next; i < job.cases.length; i++) this.deliver(job, i, faultResult(fault, i === job.next ? timing : undefined));
      } else {
        // The case to blame: the one the watchdog timed or the worker says it was running, else the first without a
        // result (a process that died without a word).
        const running = phase === WORKER_PHASE.running ? reported!.state.index : job.next;
        const blamed = reported?.timed === true ? reported.state.index : Math.max(running, job.next);
        if (blamed >= job.next && blamed < job.cases.length) {
          this.deliver(
            job,
            blamed,
            faultResult(declarativeWords(job.action, fault, this.settings.timeoutMs), phase === WORKER_PHASE.running ? timing : undefined),
          );
          requeue(job, blamed + 1, job.cases.length);
          requeue(job, job.next, blamed);
        } else {
          requeue(job, job.next, job.cases.length);
        }
      }
      this.batchEnded(job, undefined);
    }
  }
}

/** An error result for a case the worker could not finish; `timing` when it is known when the case began. */
function faultResult(fault: Problem, timing?: { startedAt: number; durationMs: number }): WorkerCaseResult {
  const startedAt = timing?.startedAt ?? Date.now();
  const durationMs = roundMs(timing?.durationMs ?? 0);
  return {
    status: "error",
    issues: [],
    failures: [],
    logs: [],
    steps: [{ step: "execute", name: "execute transform", ok: false, startedAt, durationMs, detail: { error: fault.code } }],
    durationMs,
    error: fault,
  };
}
