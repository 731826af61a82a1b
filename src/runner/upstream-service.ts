// The upstream of declarative actions during a run, outside the sandbox: each resolved request goes over real HTTP to
// a loopback stub that answers with the case's `upstream`, or (`--live`) to the real endpoint, with the credentials
// from the environment. Recorded answers (`--record-upstream`) are written as fixtures, secrets removed.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CxdaError } from "../core/errors.js";
import type { UpstreamResponse } from "../core/types.js";
import type { UpstreamHandler } from "../executor/worker-pool.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import type { UpstreamReply } from "../platforms/genesys/declarative/run-declarative.js";
import { placeholderPattern } from "../platforms/genesys/declarative/credentials.js";
import { cappedText } from "../internal/capped-body.js";
import { scrub } from "../secrets/scrub.js";
import { answerHeaders, createRecorder, FRAMING_HEADERS, pathOf } from "./upstream-record.js";

/** How a run's declarative actions reach their upstream. */
export interface UpstreamOptions {
  /** Send each request to its real endpoint instead of the loopback stub. @default false */
  live?: boolean;
  /** Save each answer as a fixture file (`{ status, headers, body }`) in this folder, secrets removed. */
  recordDir?: string;
  /** Where credential values come from under `--live`: `CXDA_CREDENTIAL_<name>`. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds one upstream request may take: the case's time limit. @default 60000 (Genesys' longest) */
  timeoutMs?: number;
}

/** The header that tells the stub which answer a request is for. */
const EXCHANGE_HEADER = "x-cxda-exchange";
/** The header the stub adds to an answer it could not serve as the case gave it. */
const STUB_FAULT_HEADER = "x-cxda-stub-fault";

/** Largest answer read back, live or from the stub: a data action's response is small JSON. */
const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** A run's upstream: its handler for the pool, and `close` for the end of the run (which aborts what is in flight). */
export interface UpstreamService {
  handler: UpstreamHandler;
  close(): Promise<void>;
}

/**
 * Starts (lazily, on the first request) what carries a run's upstream requests.
 * @example
 * const upstream = createUpstreamService({});
 * pool.run(action, cases, onResult, { upstream: upstream.handler });
 */
export function createUpstreamService(options: UpstreamOptions = {}): UpstreamService {
  let stub: Promise<Stub> | undefined;
  const closing = new AbortController();
  const recorder = options.recordDir === undefined ? undefined : createRecorder(options.recordDir);
  const handler: UpstreamHandler = async (request, answer) => {
    const signal = AbortSignal.any([closing.signal, AbortSignal.timeout(options.timeoutMs ?? 60_000)]);
    const reply = options.live ? await sendLive(request, options, signal) : await (stub ??= startStub()).then((s) => s.send(request, answer, signal));
    if (recorder !== undefined) await recorder.record(request, reply);
    return reply;
  };
  return {
    handler,
    close: async () => {
      closing.abort();
      if (stub !== undefined) await (await stub.catch(() => undefined))?.close();
    },
  };
}

interface Stub {
  send(request: ResolvedRequest, answer: UpstreamResponse | undefined, signal: AbortSignal): Promise<UpstreamReply>;
  close(): Promise<void>;
}

function withoutFraming(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase())));
}

/** A loopback HTTP server answering each request with the answer registered under its exchange id. */
async function startStub(): Promise<Stub> {
  const answers = new Map<string, UpstreamResponse>();
  let next = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const id = String(incoming.headers[EXCHANGE_HEADER] ?? "");
    const answer = answers.get(id);
    answers.delete(id);
    incoming.resume();
    incoming.on("end", () => {
      if (answer === undefined) {
        outgoing.writeHead(500, { "content-type": "text/plain", [STUB_FAULT_HEADER]: "1" }).end("no answer was registered for this request");
        return;
      }
      const text = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      const headers = withoutFraming(answer.headers);
      if (answer.body !== undefined && typeof answer.body !== "string" && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
        headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(text));
      try {
        outgoing.writeHead(answer.status, headers).end(text);
      } catch (error) {
        // A header Node will not send (case files are checked for these when they load; a library caller's may not be).
        const said = error instanceof Error ? error.message : String(error);
        outgoing.writeHead(500, { "content-type": "text/plain", [STUB_FAULT_HEADER]: "1" }).end(said);
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    send: async (request, answer, signal) => {
      if (answer === undefined) throw new CxdaError("E_UPSTREAM", "the case gives no upstream answer for the stub to serve");
      const id = String(++next);
      answers.set(id, answer);
      const { path, host } = pathOf(request.url);
      const headers: Record<string, string> = { ...withoutFraming(request.headers), [EXCHANGE_HEADER]: id };
      if (host !== undefined) headers["host"] = host;
      try {
        const reply = await exchange({ hostname: "127.0.0.1", port, path, method: request.method, headers, signal }, request.body);
        if (reply.headers[STUB_FAULT_HEADER] !== undefined)
          throw new CxdaError("E_UPSTREAM", `cxda's loopback stub could not serve the case's upstream answer: ${reply.body}`);
        return reply;
      } finally {
        answers.delete(id);
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

/** One request to the stub with node:http, its answer read whole (within {@link MAX_REPLY_BYTES}). */
function exchange(
  target: { hostname: string; port: number; path: string; method: string; headers: Record<string, string>; signal: AbortSignal },
  body: string | undefined,
): Promise<UpstreamReply> {
  return new Promise<UpstreamReply>((resolve, reject) => {
    let outgoing: ReturnType<typeof httpRequest>;
    try {
      const headers = body === undefined ? target.headers : { ...target.headers, "content-length": String(Buffer.byteLength(body)) };
      outgoing = httpRequest({ ...target, headers });
    } catch (error) {
      // Node refuses what no HTTP client may send (a header name with a space, a method it does not know).
      reject(new CxdaError("E_REQUEST", `the request cannot be sent over HTTP: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REPLY_BYTES) response.destroy(new CxdaError("E_UPSTREAM", `the upstream's answer is larger than ${MAX_REPLY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on("error", reject);
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          ...(response.statusMessage ? { statusText: response.statusMessage } : {}),
          headers: answerHeaders(Object.entries(response.headers)),
          body: Buffer.concat(chunks).toString("utf8"),
          target: "stub",
        }),
      );
    });
    outgoing.on("error", (error) => reject(new CxdaError("E_UPSTREAM", `the request to the loopback stub failed: ${error.message}`)));
    outgoing.end(body);
  });
}

/** The credential values a live request needs, from `CXDA_CREDENTIAL_<name>`; a missing one is an error naming it. */
function fillCredentials(text: string, env: NodeJS.ProcessEnv, used: Set<string>): string {
  return text.replace(placeholderPattern(), (_whole, name: string) => {
    const value = env[`CXDA_CREDENTIAL_${name}`];
    if (value === undefined)
      throw new CxdaError("E_UPSTREAM", `the request reads \${credentials.${name}}: set CXDA_CREDENTIAL_${name} in the environment to send it live`);
    if (value !== "") used.add(value);
    return value;
  });
}

/** Sends a request to its real endpoint, credentials filled in here, never in the sandbox, and hidden in the answer. */
async function sendLive(request: ResolvedRequest, options: UpstreamOptions, signal: AbortSignal): Promise<UpstreamReply> {
  const env = options.env ?? process.env;
  const used = new Set<string>();
  const url = fillCredentials(request.url, env, used);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = fillCredentials(value, env, used);
  const body = request.body === undefined ? undefined : fillCredentials(request.body, env, used);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const hint = url.startsWith("/")
      ? " (a Genesys Cloud action's path on the org's own API, which --live does not call: test it with --parity --platform genesys)"
      : "";
    throw new CxdaError("E_UPSTREAM", `--live needs an absolute http(s) URL, and the request's is ${JSON.stringify(scrub(url, [...used]))}${hint}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new CxdaError("E_UPSTREAM", `--live sends HTTP requests only, and the request's URL is ${parsed.protocol} (${scrub(url, [...used])})`);
  try {
    const response = await fetch(parsed, { method: request.method, headers, ...(body === undefined ? {} : { body }), signal, redirect: "manual" });
    const text = await cappedText(response, MAX_REPLY_BYTES);
    if (text === undefined)
      throw new CxdaError("E_UPSTREAM", `the upstream's answer is larger than ${MAX_REPLY_BYTES} bytes; a data action reads small JSON`);
    // fetch has already undone the content encoding: answerHeaders leaves its header out.
    const plain = Object.fromEntries(
      Object.entries(answerHeaders(response.headers.entries())).map(([name, value]) => [name, scrub(value, [...used])]),
    );
    return {
      status: response.status,
      statusText: scrub(response.statusText, [...used]),
      headers: plain,
      body: scrub(text, [...used]),
      target: "live",
    };
  } catch (error) {
    if (error instanceof CxdaError) throw error;
    const reason = signal.aborted
      ? `no answer within ${options.timeoutMs ?? 60_000} ms (the case's time limit; raise --timeout if the endpoint is just slow)`
      : error instanceof Error
        ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}`
        : String(error);
    throw new CxdaError("E_UPSTREAM", `the live request to ${parsed.origin} failed: ${scrub(reason, [...used])}`);
  }
}
