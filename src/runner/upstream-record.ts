// --record-upstream: each upstream answer of a run written as a fixture file (`{ status, headers, body }`) that a case
// can name, with secrets and connection headers removed.
import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import type { UpstreamReply } from "../platforms/genesys/declarative/run-declarative.js";
import { removeSecrets } from "../secrets/remove-secrets.js";

/** Headers of a message's framing on one connection: the stub and the client write their own. */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
]);

/**
 * An answer's headers worth keeping (in the trace, in a fixture): not its framing, its `date`, or its
 * `content-encoding` (the body it describes has been decoded), nor any `alsoDrop` names; a repeated header's values
 * joined with commas.
 */
export function answerHeaders(entries: Iterable<[string, string | string[] | undefined]>, alsoDrop?: RegExp): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (value === undefined || FRAMING_HEADERS.has(lower) || lower === "date" || lower === "content-encoding" || alsoDrop?.test(lower)) continue;
    kept[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return kept;
}

/** The path and query a request URL asks for (a Genesys Cloud action's URL is a path already; an ARN has none). */
export function pathOf(url: string): { path: string; host: string | undefined } {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") return { path: `${parsed.pathname}${parsed.search}`, host: parsed.host };
  } catch {
    // not an absolute URL: a path, or something no HTTP client could send (kept as the path of a request to the stub)
  }
  return { path: url.startsWith("/") ? url : `/${encodeURIComponent(url)}`, host: undefined };
}

/** Headers a recording leaves out besides those {@link answerHeaders} does: cookies, auth challenges, caching dates. */
const NOT_RECORDED = /^(?:set-cookie|www-authenticate|proxy-authenticate|age|etag|last-modified|expires)$/;

/** Writes a run's answers into `dir`; one file per distinct request and answer. */
export function createRecorder(dir: string): { record(request: ResolvedRequest, reply: UpstreamReply): Promise<void> } {
  /** What each file name written in this run holds (a hash), so that a second, different answer gets a name of its own. */
  const written = new Map<string, string>();
  let made: Promise<unknown> | undefined;
  let temp = 0;
  return {
    async record(request, reply) {
      made ??= mkdir(dir, { recursive: true });
      await made;
      let body: unknown = reply.body;
      try {
        body = JSON.parse(reply.body) as unknown;
      } catch {
        // kept as text
      }
      const headers = answerHeaders(Object.entries(reply.headers), NOT_RECORDED);
      const text = `${JSON.stringify(removeSecrets({ status: reply.status, headers, body }).value, null, 2)}\n`;
      // Named by the method and path (never the query, which may carry keys) and a hash of the whole request.
      const hash = createHash("sha256")
        .update(`${request.method} ${request.url}\n${request.body ?? ""}`)
        .digest("hex")
        .slice(0, 10);
      const path = pathOf(request.url).path.split("?")[0]!;
      const slug = `${request.method}-${path}`
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 60);
      const content = createHash("sha256").update(text).digest("hex");
      let name = `${slug}-${hash}.json`;
      for (let n = 2; written.has(name) && written.get(name) !== content; n++) name = `${slug}-${hash}-${n}.json`;
      written.set(name, content);
      const file = join(dir, name);
      const part = `${file}.${process.pid}.${++temp}.tmp`;
      await writeFile(part, text);
      await rename(part, file);
    },
  };
}
