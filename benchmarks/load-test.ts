// A bounded loopback load test: N requests over C keep-alive connections against the emulator (or any URL), with latency and memory figures.
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startEmulator } from "../src/emulator/emulator.js";

/**
 * What to send, how many times, over how many connections.
 * @example
 * await runLoad({ url: `${emulator.apiUrl}/data-actions/da-1/execute`, method: "POST", body, requests: 2_000, connections: 20 });
 */
export interface LoadOptions {
  url: string;
  /** @default "POST" when there is a body, else "GET" */
  method?: string;
  headers?: Record<string, string>;
  /** The request body, the same for every request. */
  body?: string;
  /** Requests to send in all; the run stops once each is answered or has failed. */
  requests: number;
  /** Concurrent keep-alive connections. */
  connections: number;
  /** A request with no complete answer after this long counts as an error. @default 10000 */
  timeoutMs?: number;
  /** Called every `sampleEvery` completed requests (memory sampling, progress). @default never */
  onProgress?: (done: number) => void | Promise<void>;
  /** @default 500 */
  sampleEvery?: number;
}

/** The outcome of a load run. */
export interface LoadResult {
  requests: number;
  /** Requests that got a complete HTTP answer, whatever its status. */
  answered: number;
  /** Requests without a complete answer: reset, timed out, refused. `answered + unanswered === requests`. */
  unanswered: number;
  /** `unanswered` plus answers with a status of 500 or more. */
  errors: number;
  /** Answers per status code. */
  statuses: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
  /** Milliseconds from sending a request to the end of its answer. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Up to five error descriptions, for the report. */
  errorSamples: string[];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

/**
 * Sends `requests` requests over `connections` keep-alive connections, as fast as the server answers, and stops by
 * itself. Every request ends as an answer or an error: `answered + (errors not from a status) === requests`.
 * @example
 * const result = await runLoad({ url: "http://127.0.0.1:4010/.well-known/openid-configuration", requests: 1_000, connections: 10 });
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { requests, connections } = options;
  if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(connections) || connections < 1) {
    throw new Error("requests and connections must be whole numbers >= 1");
  }
  const url = new URL(options.url);
  const method = options.method ?? (options.body === undefined ? "GET" : "POST");
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers, ...(body === undefined ? {} : { "content-length": String(body.length) }) };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sampleEvery = options.sampleEvery ?? 500;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies = new Float64Array(requests);
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let next = 0;
  let answered = 0;
  let failed = 0;
  let serverErrors = 0;
  let done = 0;

  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const index = next++;
      const started = performance.now();
      let settled = false;
      const finish = (error?: string): void => {
        if (settled) return;
        settled = true;
        latencies[index] = performance.now() - started;
        if (error !== undefined) {
          failed++;
          if (errorSamples.length < 5) errorSamples.push(error);
        }
        resolve();
      };
      const req = httpRequest(url, { method, headers, agent, timeout: timeoutMs }, (res) => {
        res.on("data", () => undefined);
        res.on("end", () => {
          answered++;
          const status = res.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 500) {
            serverErrors++;
            if (errorSamples.length < 5) errorSamples.push(`status ${status}`);
          }
          finish();
        });
        res.on("error", (error) => finish(error.message));
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", (error) => finish(error.message));
      req.end(body);
    });

  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < requests) {
      await once();
      done++;
      if (options.onProgress !== undefined && done % sampleEvery === 0) await options.onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, requests) }, lane));
  const durationMs = performance.now() - started;
  agent.destroy();
  const sorted = latencies.slice().sort();
  return {
    requests,
    answered,
    unanswered: failed,
    errors: failed + serverErrors,
    statuses,
    durationMs: Math.round(durationMs),
    requestsPerSecond: Math.round((requests / durationMs) * 1000),
    latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: percentile(sorted, 100) },
    errorSamples,
  };
}

/** Memory of a process, in MB. */
export interface MemoryFigures {
  rssMb: number;
  heapUsedMb: number;
}

/** This process's memory in MB. */
export function memoryNow(): MemoryFigures {
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: Math.round((rss / 1048576) * 10) / 10, heapUsedMb: Math.round((heapUsed / 1048576) * 10) / 10 };
}

/** A full garbage collection, without needing `--expose-gc` on the command line. */
export function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/** The repository root: the nearest folder up with cxda's package.json (this file also runs bundled, from elsewhere). */
function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown }).name === "cxda") return dir;
    } catch {
      // not here: keep climbing
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** Messages between the load generator and the server process it measures. */
type ServerMessage = { ready: { url: string; apiUrl: string; env: Record<string, string> } } | { memory: MemoryFigures };

/** The server role: an emulator serving the example action, answering memory and GC requests from its parent. */
async function serve(): Promise<void> {
  const root = findRepoRoot(import.meta.dirname);
  const definition = JSON.parse(readFileSync(join(root, "examples", "billing-callback", "definition.json"), "utf8")) as Record<string, unknown>;
  const source =
    "export default function transform(t, ctx) { return { recordId: 'rec-' + t.interaction.id, processedAt: ctx.now().toISOString() }; }";
  const emulator = await startEmulator({ definitions: { "da-test-12345": { ...definition, transform: { language: "javascript", source } } } });
  process.on("message", (message: string) => {
    if (message === "gc") collectGarbage();
    if (message === "gc" || message === "memory") process.send?.({ memory: memoryNow() } satisfies ServerMessage);
    if (message === "clear-log") emulator.clearRequests();
    if (message === "stop") void emulator.close().then(() => process.disconnect());
  });
  process.send?.({ ready: { url: emulator.url, apiUrl: emulator.apiUrl, env: emulator.env } } satisfies ServerMessage);
}

function ask(child: ChildProcess, message: string): Promise<MemoryFigures> {
  return new Promise((resolve) => {
    const listen = (reply: ServerMessage): void => {
      if (!("memory" in reply)) return;
      child.off("message", listen);
      resolve(reply.memory);
    };
    child.on("message", listen);
    child.send(message);
  });
}

function flag(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1`);
  return value;
}

/** The load generator role: starts the server process, loads it, and prints the figures as JSON. */
async function main(args: string[]): Promise<number> {
  const requests = flag(args, "requests", 20_000);
  const connections = flag(args, "connections", 50);
  const script = process.argv[1] as string;
  const child = fork(script, ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = await new Promise<{ url: string; apiUrl: string; env: Record<string, string> }>((resolve) => {
    child.on("message", (message: ServerMessage) => {
      if ("ready" in message) resolve(message.ready);
    });
  });
  try {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: ready.env["CXONE_CLIENT_ID"] ?? "",
      client_secret: ready.env["CXONE_CLIENT_SECRET"] ?? "",
    });
    const token = (await (await fetch(`${ready.apiUrl}/oauth/token`, { method: "POST", body: form })).json()) as { access_token: string };
    const trigger = readFileSync(join(findRepoRoot(import.meta.dirname), "examples", "billing-callback", "trigger.json"), "utf8");
    const target = {
      url: `${ready.apiUrl}/data-actions/da-test-12345/execute`,
      headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
      body: trigger,
    };
    // Warm up (JIT, esbuild's compiled transform) before the baseline, so the baseline is the server at rest.
    await runLoad({ ...target, requests: 200, connections: 10 });
    child.send("clear-log");
    const before = await ask(child, "gc");
    let peak = before;
    const result = await runLoad({
      ...target,
      requests,
      connections,
      sampleEvery: Math.max(100, Math.floor(requests / 50)),
      onProgress: async () => {
        const now = await ask(child, "memory");
        if (now.rssMb > peak.rssMb) peak = { ...now };
        if (now.heapUsedMb > peak.heapUsedMb) peak = { rssMb: peak.rssMb, heapUsedMb: now.heapUsedMb };
      },
    });
    const afterLoad = await ask(child, "memory");
    const afterGc = await ask(child, "gc");
    const afterClear = await (async () => {
      child.send("clear-log");
      return ask(child, "gc");
    })();
    process.stdout.write(
      `${JSON.stringify(
        {
          target: `POST /api/v2/data-actions/da-test-12345/execute (emulator, node:vm transform, ${process.version})`,
          ...result,
          lost: requests - result.answered - result.unanswered,
          serverMemoryMb: { before, peak, afterLoad, afterGc, afterGcWithRequestLogCleared: afterClear },
        },
        null,
        2,
      )}\n`,
    );
    return result.errors === 0 && result.answered === requests ? 0 : 1;
  } finally {
    child.send("stop");
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes("--serve")) await serve();
  else process.exitCode = await main(process.argv.slice(2));
}
