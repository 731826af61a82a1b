// One server fault suite for every HTTP server cxda runs (the emulator, the `cxda listen` listener): load, bad requests, slow clients.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectGarbage, runLoad } from "../../../benchmarks/load-test.js";

/** A running server and the one route that takes a JSON trigger. */
export interface ServerUnderTest {
  /** Origin, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** The trigger route: a request with these parts is a valid one that the server answers with 2xx. */
  route: { method: "POST"; path: string; headers: Record<string, string>; body: string };
  /** Largest body the server accepts; one byte more must get 413. */
  bodyLimitBytes: number;
  /** Time a client has to send a whole request; a slower one is cut off (408 or a closed connection), never sooner. */
  requestTimeoutMs: number;
  close(): Promise<void>;
}

/** Sizes of the bounded load the suite sends. */
export interface ServerFaultOptions {
  /** @default 2000 */
  loadRequests?: number;
  /** @default 20 */
  loadConnections?: number;
  /** Heap growth tolerated after the load and a full GC, in MB: generous, this is about leaks, not tuning. @default 24 */
  heapSlackMb?: number;
}

/** What a raw exchange got back: the status line's code (0 when nothing came) and how long until the server closed. */
interface RawAnswer {
  status: number;
  text: string;
  elapsedMs: number;
}

/** Writes `head`, then `trickle` one byte every 20 ms (or nothing), and resolves when the server closes the connection. */
function rawRequest(port: number, head: string | Buffer, trickle = false): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = performance.now();
    let text = "";
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(head);
      if (trickle) timer = setInterval(() => socket.write("a"), 20);
    });
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      // Without keep-alive trickling, the first complete answer is all there is to see.
      if (!trickle && /\r\n\r\n/.test(text)) socket.end();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text, elapsedMs: performance.now() - started });
    });
  });
}

/** The body of a raw answer, its chunks joined when it came chunked. */
function bodyText(answer: string): string {
  const split = answer.indexOf("\r\n\r\n");
  const rest = answer.slice(split + 4);
  if (!/\r\ntransfer-encoding: chunked/i.test(answer.slice(0, split))) return rest;
  let body = "";
  for (let at = 0; ;) {
    const lineEnd = rest.indexOf("\r\n", at);
    const size = parseInt(rest.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Registers the server fault suite for one server. `start` is called once before the suite and must return a fresh
 * server; the suite closes it at the end.
 * @example
 * describeServerFaults("the emulator", async () => ({ ...  }));
 */
export function describeServerFaults(name: string, start: () => Promise<ServerUnderTest>, options: ServerFaultOptions = {}): void {
  const loadRequests = options.loadRequests ?? 2_000;
  const loadConnections = options.loadConnections ?? 20;
  const heapSlackMb = options.heapSlackMb ?? 24;

  describe(`server faults: ${name}`, () => {
    let server: ServerUnderTest;
    beforeAll(async () => {
      server = await start();
    });
    afterAll(async () => {
      await server.close();
    });

    const send = (parts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Uint8Array }): Promise<Response> => {
      const { route } = server;
      return fetch(`${server.url}${parts.path ?? route.path}`, {
        method: parts.method ?? route.method,
        headers: parts.headers ?? route.headers,
        ...(parts.method === "GET" || parts.method === "HEAD" ? {} : { body: parts.body ?? route.body }),
      });
    };
    /** One valid request still gets a 2xx answer. */
    const stillServing = async (): Promise<void> => {
      const response = await send({});
      await response.arrayBuffer();
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(300);
    };
    const rawHead = (method: string, path: string, extra: Record<string, string | number>): string =>
      `${method} ${path} HTTP/1.1\r\n${Object.entries({ host: "127.0.0.1", ...server.route.headers, ...extra })
        .map(([key, value]) => `${key}: ${value}`)
        .join("\r\n")}\r\n\r\n`;

    it(`answers every request of a bounded load (${loadRequests} over ${loadConnections} connections), none lost, and its heap returns near baseline after GC`, async () => {
      const target = {
        url: `${server.url}${server.route.path}`,
        method: server.route.method,
        headers: server.route.headers,
        body: server.route.body,
      };
      await runLoad({ ...target, requests: 100, connections: 10 }); // warm-up: compiled code and caches belong to the baseline
      collectGarbage();
      const baseline = process.memoryUsage().heapUsed;
      const result = await runLoad({ ...target, requests: loadRequests, connections: loadConnections });
      expect(result).toMatchObject({ requests: loadRequests, answered: loadRequests, unanswered: 0, errors: 0, errorSamples: [] });
      expect(Object.keys(result.statuses).every((status) => Number(status) >= 200 && Number(status) < 300)).toBe(true);
      // Sockets and their buffers are let go over a few turns of the event loop after the last answer (under load, more
      // than one): collect after each turn, up to ten, and judge the lowest. A leak stays whatever the number of turns.
      let grownMb = Infinity;
      for (let turn = 0; turn < 10 && grownMb >= heapSlackMb; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        collectGarbage();
        grownMb = Math.min(grownMb, (process.memoryUsage().heapUsed - baseline) / 1048576);
      }
      expect(grownMb).toBeLessThan(heapSlackMb);
    });

    it("answers malformed JSON with 400 and keeps serving", async () => {
      for (const body of ["{", "", "nul", '{"a":1,}', "[1,", "\u0000", '{"a":"\ud800', "{'single': 1}"]) {
        const response = await send({ body });
        await response.arrayBuffer();
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
      }
      // Bytes that are not UTF-8 at all.
      const response = await send({ body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
      await response.arrayBuffer();
      expect(response.status).toBe(400);
      await stillServing();
    });

    it("answers a wrong or missing content type with a 4xx and keeps serving", async () => {
      const { "content-type": _ignored, ...withoutType } = server.route.headers;
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
        const response = await send({ headers: type === undefined ? withoutType : { ...withoutType, "content-type": type } });
        await response.arrayBuffer();
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
      await stillServing();
    });

    it("answers a body one byte over the limit with 413, and a far larger one too, and keeps serving", async () => {
      const over = (bytes: number): string => `{"pad":"${"x".repeat(Math.max(0, bytes - 10))}"}`;
      for (const size of [server.bodyLimitBytes + 1, server.bodyLimitBytes * 8]) {
        const body = over(size);
        expect(Buffer.byteLength(body)).toBeGreaterThan(server.bodyLimitBytes);
        const response = await send({ body });
        await response.arrayBuffer();
        expect(response.status).toBe(413);
      }
      await stillServing();
    });

    it("cuts off a slowloris body and slow headers (not before the request timeout) while answering others meanwhile", async () => {
      // Declared within the body limit, so the server has to wait for the bytes rather than refuse the size at once.
      const slowBody = rawRequest(
        server.port,
        rawHead(server.route.method, server.route.path, { "content-length": Math.min(server.bodyLimitBytes, 100_000) }),
        true,
      );
      const slowHeaders = rawRequest(server.port, `${server.route.method} ${server.route.path} HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: `, true);
      const others = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await send({});
          await response.arrayBuffer();
          return response.status;
        }),
      );
      expect(others.every((status) => status >= 200 && status < 300)).toBe(true);
      for (const slow of await Promise.all([slowBody, slowHeaders])) {
        expect([0, 408]).toContain(slow.status);
        expect(slow.elapsedMs).toBeGreaterThanOrEqual(server.requestTimeoutMs);
      }
      await stillServing();
    });

    it("answers unknown routes, wrong methods and malformed requests with 4xx and keeps serving", async () => {
      const { route } = server;
      const attempts: Array<[string, string]> = [
        ["GET", "/nope"],
        ["POST", "/api/v2/nope"],
        ["GET", route.path],
        ["PUT", route.path],
        ["DELETE", route.path],
        ["POST", `${route.path}/extra`],
        ["POST", "/api/v2/data-actions/%E0%A4%A/execute"],
        ["POST", "/api/v2/data-actions/../../../etc/passwd/execute"],
      ];
      for (const [method, path] of attempts) {
        const answer = await rawRequest(
          server.port,
          rawHead(method, path, { "content-length": Buffer.byteLength(route.body), connection: "close" }) + route.body,
        );
        expect({ method, path, client: answer.status >= 400 && answer.status < 500 }).toEqual({ method, path, client: true });
      }
      const loopback = "host: 127.0.0.1";
      for (const raw of [
        `GET //%zz HTTP/1.1\r\n${loopback}\r\nconnection: close\r\n\r\n`,
        "GARBAGE\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        `GET /${"a".repeat(100_000)} HTTP/1.1\r\n${loopback}\r\n\r\n`,
      ]) {
        const answer = await rawRequest(server.port, raw);
        expect({ raw: raw.slice(0, 20), client: answer.status >= 400 && answer.status < 500 }).toEqual({ raw: raw.slice(0, 20), client: true });
      }
      await stillServing();
    });

    /** A valid request on the trigger route, with this Host header. */
    const withHost = (host: string): Promise<RawAnswer> =>
      rawRequest(
        server.port,
        rawHead(server.route.method, server.route.path, { host, "content-length": Buffer.byteLength(server.route.body), connection: "close" }) +
          server.route.body,
      );

    it("refuses a Host header that does not name loopback (DNS rebinding) with 403 and a JSON error naming the host and what to do", async () => {
      const port = server.port;
      const foreign = [
        "attacker.example",
        `attacker.example:${port}`,
        "127.0.0.1.attacker.example",
        "localhost.attacker.example:80",
        "10.0.0.1",
        "0.0.0.0",
        "[::2]",
        "127.0.0.1@attacker.example",
        "128.0.0.1",
        "127.0.0.256",
      ];
      for (const host of foreign) {
        const answer = await withHost(host);
        expect({ host, status: answer.status }).toEqual({ host, status: 403 });
        expect(answer.text).toMatch(/\r\ncontent-type: application\/json/i);
        // Both servers answer errors alike: { error: { code, message, …facts } }.
        const body = JSON.parse(bodyText(answer.text)) as { error: { code: string; message: string; host: string } };
        const { code, message } = body.error;
        expect({ code, host: body.error.host }).toEqual({ code: "host_not_allowed", host });
        expect(message).toContain(`Host header ${JSON.stringify(host)} does not name this machine`);
        expect(message).toContain("DNS rebinding");
        expect(message).toContain(`send requests to ${server.url}`);
        expect(message).toContain("--allow-host");
      }
      await stillServing();
    });

    it("accepts localhost, 127.x.x.x and [::1] as Host, with or without a port", async () => {
      const port = server.port;
      for (const host of [
        "localhost",
        `localhost:${port}`,
        "LocalHost.",
        "127.0.0.1",
        `127.0.0.1:${port}`,
        "127.1.2.3:80",
        "[::1]",
        `[::1]:${port}`,
        "[0:0:0:0:0:0:0:1]",
      ]) {
        const answer = await withHost(host);
        expect({ host, ok: answer.status >= 200 && answer.status < 300 }).toEqual({ host, ok: true });
      }
    });

    it("is not disturbed by 50 clients hanging up mid-body", async () => {
      const { route } = server;
      await Promise.all(
        Array.from(
          { length: 50 },
          () =>
            new Promise<void>((resolve) => {
              const socket = connect(server.port, "127.0.0.1", () => {
                socket.write(
                  rawHead(route.method, route.path, { "content-length": Buffer.byteLength(route.body) }) +
                    route.body.slice(0, route.body.length >> 1),
                  () => socket.destroy(),
                );
              });
              socket.on("error", () => undefined);
              socket.on("close", () => resolve());
            }),
        ),
      );
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => send({}).then(async (response) => (await response.arrayBuffer(), response.status))),
      );
      expect(statuses.every((status) => status >= 200 && status < 300)).toBe(true);
    });
  });
}
