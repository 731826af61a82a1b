// The messages between the emulator and the worker thread it tests Genesys declarative actions in (POST …/test).
import type { EmulatedTest } from "../platforms/platform.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";

/** One test: the action as the emulator serves it, the input, and where a `/api/v2/…` URL goes. */
export interface DeclarativeTestJob {
  id: number;
  /** The definition's JSON object (a Genesys export or Action object, with `config` and `contract`). */
  definition: Record<string, unknown>;
  actionId: string;
  input: Record<string, unknown>;
  /** The emulator's origin: a request URL that is a Platform API path (`/api/v2/…`) goes there. */
  origin: string;
  /** The test call's `Authorization` header, sent with a request to the emulator's own API (as Genesys uses its own credentials there). */
  authorization?: string;
  /** Milliseconds the upstream may take (the whole test is also stopped from outside at the emulator's limit). */
  upstreamTimeoutMs: number;
}

/** What the upstream answered, as the test's progress reports it. */
export interface TestReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Worker → emulator. `progress` says how far a test got, so a test stopped at the time limit can say where. */
export type DeclarativeTestMessage =
  | { type: "ready"; environment: number }
  | { type: "progress"; id: number; phase: "upstream"; request: ResolvedRequest }
  | { type: "progress"; id: number; phase: "answered"; reply: TestReply }
  | { type: "result"; id: number; test: EmulatedTest };
