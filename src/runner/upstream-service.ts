// The upstream of declarative actions during a run, outside the sandbox: each resolved request goes over real HTTP to
// a loopback stub that answers with the case's `upstream`, or (`--live`) to the real endpoint, with the credentials
// from the environment. Recorded answers (`--record-upstream`) are written as fixtures, secrets removed.
import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { CxdaError } from "../core/errors.js";
import type { UpstreamResponse } from "../core/types.js";
import type { UpstreamHandler } from "../executor/worker-pool.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import type { UpstreamReply } from "../platforms/genesys/declarative/run-declarative.js";
import { removeSecrets } from "../secrets/remove-secrets.js";
import { redact } from "../secrets/secret.js";

/** How a run's declarative actions reach their upstream. */
export interface UpstreamOptions {
  /** Send each request to its real endpoint instead of the loopback stub. @default false */
  live?: boolean;
  /** Save each answer as a fixture file (`{ status, headers, body }`) in this folder, secrets removed. */
  recordDir?: string;
  /** Where credential values come from under `--live`: `CXDA_CREDENTIAL_<name>`. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds a live request may take. @default 60000 (Genesys' longest execution timeout) */
  timeoutMs?: number;
}

/** The text a template's `${credentials.NAME}` prints inside the sandbox: a placeholder, never the value. */
export function credentialPlaceholder(name: string): string {
  return `{{cxda-credential:${name}}}`;
}

const PLACEHOLDER = /\{\{cxda-credential:([A-Za-z_$][\w$]*)\}\}/g;

/** The credential names a set of templates reads (`${credentials.clientSecret}`, `$credentials.user`), in order. */
export function credentialNames(templates: Iterable<string | undefined>): string[] {
  const names = new Set<string>();
  for (const template of templates) for (const match of (template ?? "").matchAll(/\$!?\{?credentials\.([A-Za-z_][\w]*)/g)) names.add(match[1]!);
  return [...names];
}

/** The header that tells the stub which answer a request is for. */
const EXCHANGE_HEADER = "x-cxda-exchange";

/** Largest answer read back, live or from the stub: a data action's response is small JSON. */
const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** A run's upstream: its handler for the pool, and `close` for the end of the run. */
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
  const handler: UpstreamHandler = async (request, answer) => {
    const reply = options.live ? await sendLive(request, options) : await (stub ??= startStub()).then((s) => s.send(request, answer));
    if (options.recordDir !== undefined) await record(options.recordDir, request, reply);
    return reply;
  };
  return {
    handler,
    close: async () => {
      if (stub !== undefined) await (await stub.catch(() => undefined))?.close();
    },
  };
}

interface Stub {
  send(request: ResolvedRequest, answer: UpstreamResponse | undefined): Promise<UpstreamReply>;
  close(): Promise<void>;
}

/** The path and query a request URL asks for (a Genesys Cloud action's URL is a path already; an ARN has none). */
function pathOf(url: string): { path: string; host: string | undefined } {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return { path: `${parsed.pathname}${parsed.search}`, host: parsed.host };
  } catch {
    // not an absolute URL: a path, or something no HTTP client could send (kept as the path of a request to the stub)
  }
  return { path: url.startsWith("/") ? url : `/${encodeURIComponent(url)}`, host: undefined };
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
        outgoing.writeHead(500, { "content-type": "text/plain" }).end("cxda's upstream stub has no answer for this request");
        return;
      }
      const text = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.body !== undefined && typeof answer.body !== "string" && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type"))
        headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(text));
      try {
        outgoing.writeHead(answer.status, headers).end(text);
      } catch (error) {
        // A header Node will not send (a line break in a value): the case hears why, the run goes on.
        outgoing
          .writeHead(500, { "content-type": "text/plain" })
          .end(`cxda's upstream stub cannot send this answer: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    send: (request, answer) => {
      if (answer === undefined) return Promise.reject(new CxdaError("E_UPSTREAM", "the case gives no upstream answer for the stub to serve"));
      const id = String(++next);
      answers.set(id, answer);
      const { path, host } = pathOf(request.url);
      const headers: Record<string, string> = { ...request.headers, [EXCHANGE_HEADER]: id };
      if (host !== undefined) headers["host"] = host;
      return exchange({ hostname: "127.0.0.1", port, path, method: request.method, headers }, request.body, "stub").finally(() => answers.delete(id));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

/** One request with node:http, its answer read whole (within {@link MAX_REPLY_BYTES}). */
function exchange(
  target: { hostname: string; port: number; path: string; method: string; headers: Record<string, string> },
  body: string | undefined,
  kind: UpstreamReply["target"],
): Promise<UpstreamReply> {
  return new Promise<UpstreamReply>((resolve, reject) => {
    let outgoing: ReturnType<typeof httpRequest>;
    try {
      outgoing = httpRequest({
        ...target,
        headers: body === undefined ? target.headers : { ...target.headers, "content-length": String(Buffer.byteLength(body)) },
      });
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
          headers: plainHeaders(response.headers),
          body: Buffer.concat(chunks).toString("utf8"),
          target: kind,
        }),
      );
    });
    outgoing.on("error", (error) =>
      reject(new CxdaError("E_UPSTREAM", `the request to the ${kind === "stub" ? "loopback stub" : "upstream"} failed: ${error.message}`)),
    );
    outgoing.end(body);
  });
}

function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === "date" || name === "connection" || name === "keep-alive") continue;
    plain[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return plain;
}

/** The credential values a live request needs, from `CXDA_CREDENTIAL_<name>`; a missing one is an error naming it. */
function fillCredentials(text: string, env: NodeJS.ProcessEnv, used: string[]): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    const value = env[`CXDA_CREDENTIAL_${name}`];
    if (value === undefined)
      throw new CxdaError(
        "E_UPSTREAM",
        `the request reads \${credentials.${name}}: set CXDA_CREDENTIAL_${name} in the environment (or .env) to send it live`,
      );
    used.push(value);
    return value;
  });
}

/** Sends a request to its real endpoint, credentials filled in here, never in the sandbox. */
async function sendLive(request: ResolvedRequest, options: UpstreamOptions): Promise<UpstreamReply> {
  const env = options.env ?? process.env;
  const used: string[] = [];
  const url = fillCredentials(request.url, env, used);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = fillCredentials(value, env, used);
  const body = request.body === undefined ? undefined : fillCredentials(request.body, env, used);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CxdaError("E_UPSTREAM", `--live needs an absolute http(s) URL, and the request's is ${JSON.stringify(redact(url, used))}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new CxdaError("E_UPSTREAM", `--live sends HTTP requests only, and the request's URL is ${parsed.protocol} (${redact(url, used)})`);
  try {
    const response = await fetch(parsed, {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      redirect: "manual",
    });
    const text = await response.text();
    const plain: Record<string, string> = {};
    response.headers.forEach((value, name) => (plain[name] = value));
    return { status: response.status, statusText: response.statusText, headers: plain, body: redact(text, used), target: "live" };
  } catch (error) {
    throw new CxdaError(
      "E_UPSTREAM",
      `the live request to ${parsed.origin} failed: ${redact(error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error), used)}`,
    );
  }
}

/** Writes an answer as a fixture file named by the request, secrets removed, atomically. */
async function record(dir: string, request: ResolvedRequest, reply: UpstreamReply): Promise<void> {
  let body: unknown = reply.body;
  try {
    body = JSON.parse(reply.body) as unknown;
  } catch {
    // kept as text
  }
  const headers = Object.fromEntries(Object.entries(reply.headers).filter(([name]) => !/^(set-cookie|www-authenticate)$/i.test(name)));
  const { value } = removeSecrets({ status: reply.status, headers, body });
  const hash = createHash("sha256")
    .update(`${request.method} ${request.url}\n${request.body ?? ""}`)
    .digest("hex")
    .slice(0, 10);
  const slug = `${request.method}-${pathOf(request.url).path}`
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${slug}-${hash}.json`);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, file);
}
