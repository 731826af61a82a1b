// A raw node:net server on loopback that answers each connection with a scripted, possibly broken, HTTP exchange.
import { createServer, type Socket } from "node:net";

/** What a scripted connection sees: the request head as text and the socket to answer on. */
export interface RawExchange {
  /** 1-based connection number. */
  connection: number;
  /** The request line and headers (and whatever body bytes arrived with them). */
  head: string;
  socket: Socket;
}

/** A running raw server. */
export interface RawServer {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Request heads received, oldest first. */
  readonly heads: string[];
  close(): Promise<void>;
}

/**
 * Starts a TCP server on 127.0.0.1 and a free port; `answer` runs once per connection after its first bytes arrive
 * and writes whatever it likes (a proper response, half of one, nothing) before ending or destroying the socket.
 * @example
 * const server = await startRawServer(({ socket }) => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"));
 */
export async function startRawServer(answer: (exchange: RawExchange) => void): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const heads: string[] = [];
  let connections = 0;
  const server = createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // The client may hang up first (that is often the point); its resets are not this server's errors.
    socket.on("error", () => undefined);
    let head = "";
    const onData = (chunk: Buffer): void => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      heads.push(head);
      answer({ connection, head, socket });
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the raw server has no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    get connections() {
      return connections;
    },
    heads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A complete HTTP/1.1 response with a JSON body, as raw text. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): string {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${status === 200 ? "OK" : "Status"}`,
    "content-type: application/json",
    `content-length: ${Buffer.byteLength(text)}`,
    "connection: close",
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join("\r\n")}\r\n\r\n${text}`;
}

/** Writes `chunk` as fast as the socket drains until the peer goes away: an endless body. */
export function pumpForever(socket: Socket, chunk: Buffer): void {
  const pump = (): void => {
    while (!socket.destroyed && socket.write(chunk)) {
      // keep writing while the kernel buffer takes it
    }
    if (!socket.destroyed) socket.once("drain", pump);
  };
  pump();
}
