// The node:http server under cxda's own servers: timeouts against slow clients, unparsable requests answered, a handler that never leaves a client hanging, and closing.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describeThrown } from "../core/errors.js";
import { errorReply, writeReply } from "./reply.js";

/** Options of {@link HttpServer.start}. */
export interface HttpServerOptions {
  port: number;
  host: string;
  /** Time a client has to send its request headers, in ms. */
  headersTimeoutMs: number;
  /** Time a client has to send its whole request, in ms. */
  requestTimeoutMs: number;
  /** Answers one request. A throw is answered with 500 and `internalErrorCode`. */
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** The error code of that 500, naming the server: "emulator_error". */
  internalErrorCode: string;
}

/** Unparsable requests get a bare status line; Node's own default, but ended gracefully rather than cut. */
const CLIENT_ERROR_STATUS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
};

/** A running server on one address, with the requests it is answering. */
export class HttpServer {
  /** `http://127.0.0.1:40123`, an IPv6 address in brackets. */
  readonly origin: string;
  readonly port: number;
  readonly #server: Server;
  readonly #running: Set<Promise<void>>;
  #closing: Promise<void> | undefined;

  private constructor(server: Server, running: Set<Promise<void>>) {
    this.#server = server;
    this.#running = running;
    const address = server.address() as AddressInfo;
    this.port = address.port;
    this.origin = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  }

  /**
   * Listens on `host:port` and resolves once it does; rejects with Node's own error (EADDRINUSE…) for the caller to
   * explain. Node's defaults give a client minutes to finish a request; these timeouts cut slow ones sooner.
   * @example
   * const server = await HttpServer.start({ port: 0, host: "127.0.0.1", headersTimeoutMs: 10_000, requestTimeoutMs: 15_000, handle, internalErrorCode: "listener_error" });
   */
  static async start(options: HttpServerOptions): Promise<HttpServer> {
    const running = new Set<Promise<void>>();
    const server = createServer({
      headersTimeout: Math.ceil(options.headersTimeoutMs),
      requestTimeout: Math.ceil(options.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(10, Math.floor(options.headersTimeoutMs / 4))),
    });
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      const done = options
        .handle(request, response)
        .catch((error: unknown) => {
          // A bug in the server itself: answer 500 rather than leave the client hanging.
          writeReply(
            response,
            errorReply(500, options.internalErrorCode, `the server failed on this request: ${describeThrown(error)}`, { close: true }),
          );
        })
        .finally(() => running.delete(done));
      running.add(done);
    });
    // Without this, a socket error after Node's own 400 would be an uncaught exception.
    server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      const status = CLIENT_ERROR_STATUS[error.code ?? ""] ?? "400 Bad Request";
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new HttpServer(server, running);
  }

  /**
   * Stops taking connections. `drop`: cut every open connection now. `finish`: idle connections go at once, requests
   * already running get their answer first (regression: closing every connection first cut them off mid-answer), then
   * whatever is left is cut. The same promise for every call.
   */
  close(mode: "drop" | "finish"): Promise<void> {
    this.#closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      if (mode === "finish") {
        this.#server.closeIdleConnections();
        await Promise.allSettled([...this.#running]);
      }
      this.#server.closeAllConnections();
      await stopped;
    })();
    return this.#closing;
  }
}
