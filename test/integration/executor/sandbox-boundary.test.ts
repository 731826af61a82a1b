// Issue 12's attacks, each in its own action of one run: a clean per-case error or nothing leaked, and the healthy
// actions before and after still pass. Every attack here got through before the sandbox process existed.
import { createServer, type Server } from "node:net";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseResult } from "../../../src/core/types.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

const SECRET = "cxda-test-secret-9f8e7d6c5b4a";

const definition = { id: "attack", name: "attack", schema: { input: { type: "object" }, output: { type: "object" } } };
const healthy = `export default function transform(trigger) { return { id: trigger.triggerId }; }`;

interface Attack {
  name: string;
  /** The transform; `PORT`, `OUT` and `PROJECT` are replaced by the listener's port, a path to create, the project root. */
  transform: string;
  /** The code of the per-case error, or undefined when the case may pass as long as nothing leaks. */
  code?: string;
  message?: RegExp;
}

const attacks: Attack[] = [
  // Credentials
  { name: "report-environment", transform: `export default () => ({ env: JSON.stringify(process.report.getReport().environmentVariables) });` },
  {
    name: "proc-environ",
    transform: `import { readFileSync } from "node:fs"; export default () => ({ env: readFileSync("/proc/self/environ", "latin1") });`,
    code: "E_SANDBOX",
    message: /reading \/proc\/self\/environ was refused/,
  },
  {
    name: "proc-parent-mem",
    transform: `import { readFileSync } from "node:fs"; export default () => ({ mem: readFileSync("/proc/" + process.ppid + "/environ", "latin1") });`,
    code: "E_SANDBOX",
    message: /was refused/,
  },
  {
    name: "project-dotenv",
    transform: `import { readFileSync } from "node:fs"; export default () => ({ env: readFileSync("PROJECT/.env", "utf8") });`,
    code: "E_SANDBOX",
    message: /\.env was refused/,
  },
  // Files
  {
    name: "promises-open-w",
    transform: `import { promises } from "node:fs"; export default async () => { const h = await promises.open("OUT", "w"); await h.close(); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "numeric-trunc",
    transform: `import * as fs from "node:fs"; export default () => { fs.closeSync(fs.openSync("PROJECT/victim.txt", fs.constants.O_RDONLY | fs.constants.O_TRUNC)); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "write-stream",
    transform: `import * as fs from "node:fs"; export default async () => { const s = new fs.WriteStream("OUT"); await new Promise((r) => s.on("error", r)); return {}; };`,
  },
  {
    name: "heap-snapshot",
    transform: `import * as v8 from "node:v8"; export default () => { v8.writeHeapSnapshot("OUT"); return {}; };`,
    code: "E_SANDBOX",
  },
  { name: "write-report", transform: `export default () => { process.report.writeReport("OUT"); return {}; };`, code: "E_SANDBOX" },
  {
    name: "computed-fs",
    transform: `export default async () => { const fs = await import(["node", "fs"].join(":")); fs.writeFileSync("OUT", "x"); return {}; };`,
    code: "E_SANDBOX",
  },
  // Network
  {
    name: "internal-http-client",
    transform: `import { ClientRequest } from "node:_http_client"; export default async () => { const r = new ClientRequest("http://127.0.0.1:PORT/"); await new Promise((ok, fail) => { r.on("response", ok); r.on("error", fail); r.end(); }); return {}; };`,
    code: "E_SANDBOX",
    message: /network access is refused/,
  },
  {
    name: "computed-net",
    transform: `export default async () => { const net = await import(["node", "net"].join(":")); net.connect(PORT, "127.0.0.1"); return {}; };`,
    code: "E_SANDBOX",
    message: /network access is refused/,
  },
  {
    name: "computed-socket",
    transform: `export default async () => { const net = await import(["node", "net"].join(":")); new net.Socket().connect(PORT, "127.0.0.1"); return {}; };`,
    code: "E_SANDBOX",
    message: /net.Socket#connect is blocked/,
  },
  {
    name: "computed-tls",
    transform: `export default async () => { const tls = await import(["node", "tls"].join(":")); tls.connect(PORT, "127.0.0.1"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "computed-http2",
    transform: `export default async () => { const h2 = await import(["node", "http2"].join(":")); h2.connect("http://127.0.0.1:PORT"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "computed-dgram",
    transform: `export default async () => { const d = await import(["node", "dgram"].join(":")); d.createSocket("udp4").send("x", PORT, "127.0.0.1"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "computed-dns",
    transform: `export default async () => { const d = await import(["node", "dns"].join(":")); await d.promises.lookup("localhost"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "global-fetch",
    transform: `export default async () => { await globalThis["fe" + "tch"]("http://127.0.0.1:PORT/"); return {}; };`,
    code: "E_SANDBOX",
  },
  // Processes, threads, native code
  {
    name: "computed-child-process",
    transform: `export default async () => { const cp = await import(["node", "child_process"].join(":")); cp.execSync("touch OUT"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "computed-worker",
    transform: `export default async () => { const wt = await import(["node", "worker_threads"].join(":")); new wt.Worker("1", { eval: true }); return {}; };`,
    code: "E_SANDBOX",
  },
  { name: "dlopen", transform: `export default () => { process.dlopen({ exports: {} }, "/nonexistent.node"); return {}; };`, code: "E_SANDBOX" },
  // The sandbox's own channel to cxda (descriptor 3) and its output
  {
    name: "channel-write",
    transform: `export default async () => { const fs = await import(["node", "fs"].join(":")); fs.writeSync(3, "garbage that would stall cxda's reader"); return {}; };`,
    code: "E_SANDBOX",
    message: /fs.writeSync on descriptor 3 is blocked/,
  },
  {
    name: "channel-write-file",
    transform: `export default async () => { const fs = await import(["node", "fs"].join(":")); fs.writeFileSync(3, "garbage"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "channel-socket",
    transform: `export default async () => { const net = await import(["node", "net"].join(":")); const s = new net.Socket({ fd: 3, readable: false, writable: true }); await new Promise((ok, fail) => { try { s.write("garbage", (e) => (e ? fail(e) : ok())); } catch (e) { fail(e); } }); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "channel-read",
    transform: `export default async () => { const fs = await import(["node", "fs"].join(":")); fs.readSync(3, Buffer.alloc(64)); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "channel-close",
    transform: `export default async () => { const fs = await import(["node", "fs"].join(":")); fs.closeSync(3); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "channel-read-socket",
    transform: `export default async () => { const net = await import(["node", "net"].join(":")); new net.Socket({ fd: 3, readable: true, writable: false }); return {}; };`,
    code: "E_SANDBOX",
  },
  { name: "active-handles", transform: `export default () => { process._getActiveHandles(); return {}; };`, code: "E_SANDBOX" },
  {
    name: "module-register",
    transform: `export default async () => { const m = await import(["node", "module"].join(":")); m.register("data:text/javascript,export {}"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "dns-promise-resolver",
    transform: `export default async () => { const d = await import(["node", "dns"].join(":")); await new d.promises.Resolver().resolve4("example.invalid"); return {}; };`,
    code: "E_SANDBOX",
  },
  {
    name: "server-listen2",
    transform: `export default async () => { const net = await import(["node", "net"].join(":")); new net.Server()._listen2("127.0.0.1", 0, 4, 511); return {}; };`,
    code: "E_SANDBOX",
  },
  { name: "private-kill", transform: `export default () => { process._kill(process.ppid, 0); return {}; };`, code: "E_SANDBOX" },
  // Output and memory
  {
    name: "huge-string-output",
    transform: `export default () => ({ blob: "x".repeat(100 * 1024 * 1024) });`,
    code: "E_OUTPUT",
    message: /a string of 104857600 characters at \/blob, over the 32768-byte limit/,
  },
  { name: "huge-log-line", transform: `export default () => { console.log("y".repeat(50 * 1024 * 1024)); return {}; };`, code: "E_LOG" },
  { name: "empty-log-flood", transform: `export default () => { for (let i = 0; i < 600000; i++) console.log(); return {}; };`, code: "E_LOG" },
  {
    name: "long-function-name",
    transform: `export default () => { const f = function () {}; Object.defineProperty(f, "name", { value: "n".repeat(30000000) }); console.log(f); return {}; };`,
    code: "E_LOG",
  },
  {
    name: "huge-error",
    transform: `export default () => { throw new Error("z".repeat(50 * 1024 * 1024)); };`,
    code: "E_TRANSFORM",
    message: /more characters cut/,
  },
  {
    name: "array-buffers",
    transform: `const hoard = []; export default () => { for (let i = 0; i < 24; i++) hoard.push(new Uint8Array(64 * 1024 * 1024)); return { n: hoard.length }; };`,
    code: "E_MEMORY",
  },
  {
    name: "filled-buffers",
    transform: `const hoard = []; export default () => { for (let i = 0; i < 24; i++) hoard.push(new Uint8Array(64 * 1024 * 1024).fill(1)); return { n: hoard.length }; };`,
    code: "E_MEMORY",
  },
];

/** Transforms that leave something behind for the case after them. */
const leaks = {
  interval: `export default (trigger, ctx) => { if (ctx.vars.first) setInterval(() => { throw new Error("late interval"); }, 1); return { id: trigger.triggerId }; };`,
  pollution: `export default (trigger, ctx) => { if (ctx.vars.first) Object.prototype.polluted = "yes"; return { polluted: ({}).polluted ?? null }; };`,
  rejection: `export default (trigger, ctx) => { if (ctx.vars.first) Promise.reject(new Error("left behind")); return { id: trigger.triggerId }; };`,
  "hidden-tojson": `export default (trigger, ctx) => { if (ctx.vars.first) Object.defineProperty(Object.prototype, "toJSON", { value: function () { return this && this.status === "error" ? { ...this, status: "pass", error: undefined } : this; }, configurable: true }); return { id: trigger.triggerId }; };`,
  "fixed-tojson": `export default (trigger, ctx) => { if (ctx.vars.first) Object.defineProperty(Object.prototype, "toJSON", { value: function () { return this && this.status === "error" ? { ...this, status: "pass", error: undefined } : this; }, configurable: false }); return { id: trigger.triggerId }; };`,
  "symbol-key": `export default (trigger, ctx) => { if (ctx.vars.first) Array.prototype[Symbol.for("cxda.test")] = 1; return { seen: [][Symbol.for("cxda.test")] ?? null }; };`,
  "module-function": `export default async (trigger, ctx) => { const fs = await import(["node", "fs"].join(":")); const real = fs.default.existsSync; if (ctx.vars.first) fs.default.existsSync = () => true; return { id: trigger.triggerId, real: fs.default.existsSync === real }; };`,
  "buffer-method": `export default (trigger, ctx) => { if (ctx.vars.first) Buffer.prototype.toString = () => "forged"; return { text: Buffer.from("ok").toString() }; };`,
  "changing-getter": `export default (trigger) => { let reads = 0; return { id: trigger.triggerId, get big() { reads++; return reads > 1 ? "y".repeat(50000000) : "small"; } }; };`,
  "abort-signal": `export default (trigger, ctx) => { if (ctx.vars.first) AbortSignal.timeout(150).addEventListener("abort", () => { for (;;) {} }); return { id: trigger.triggerId }; };`,
  "message-loop": `export default (trigger, ctx) => { if (ctx.vars.first) { const { port1, port2 } = new MessageChannel(); port1.onmessage = () => port2.postMessage(0); port2.onmessage = () => port1.postMessage(0); port1.postMessage(0); } return { id: trigger.triggerId }; };`,
  "harness-port": `import { parentPort, workerData } from "node:worker_threads"; export default (trigger) => ({ id: trigger.triggerId, port: parentPort === null, state: workerData === null });`,
  stdout: `export default (trigger) => { process.stdout.write("raw stdout\\n"); process.stderr.write("raw stderr\\n"); return { id: trigger.triggerId }; };`,
};

describe("the sandbox boundary, attacked", () => {
  let project: TempProject;
  let server: Server;
  let connections = 0;
  const results = new Map<string, CaseResult[]>();
  const out = (name: string): string => join(project.root, "out", `${name}.txt`);

  beforeAll(async () => {
    process.env.CXONE_CLIENT_SECRET = SECRET;
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    project = await createTempProject();
    writeFileSync(join(project.root, ".env"), `CXONE_CLIENT_SECRET=${SECRET}\n`);
    writeFileSync(join(project.root, "victim.txt"), "keep me");
    const trigger = { triggerId: "tr-1" };
    const cases = { "one.json": [{ name: "first", vars: { first: true } }, { name: "second" }] };
    const actions = join(project.root, "actions");
    const add = (name: string, transform: string) => project.addAction(join("actions", name), { definition, transform, trigger, cases });
    await add("000-healthy", healthy);
    for (const attack of attacks) {
      await add(
        attack.name,
        attack.transform.replaceAll("PORT", String(port)).replaceAll("OUT", out(attack.name)).replaceAll("PROJECT", project.root),
      );
    }
    for (const [name, transform] of Object.entries(leaks)) await add(`leak-${name}`, transform);
    await add("zzz-healthy", healthy);
    for await (const result of runCases({ actions: [actions], workers: 2, timeoutMs: 5000, memoryMb: 256, buildDir: join(project.root, ".build") })) {
      const dir = result.source?.split("/").at(-3) ?? "";
      results.set(dir, [...(results.get(dir) ?? []), result]);
    }
  }, 180_000);

  afterAll(async () => {
    delete process.env.CXONE_CLIENT_SECRET;
    server.close();
    await project.remove();
  });

  it.each(attacks)("$name: a clean per-case error, or nothing leaked", (attack) => {
    const got = results.get(attack.name) ?? [];
    expect(got).toHaveLength(2);
    for (const result of got) {
      if (attack.code !== undefined) {
        expect(result.status, JSON.stringify(result.error ?? result.output)?.slice(0, 300)).toBe("error");
        expect(result.error?.code).toBe(attack.code);
        if (attack.message) expect(result.error?.message).toMatch(attack.message);
        expect(result.error?.message.length).toBeLessThan(80_000);
      }
      expect(JSON.stringify(result)).not.toContain(SECRET);
    }
    expect(existsSync(out(attack.name))).toBe(false);
  });

  it("a case that times out or runs out of memory reports how long it ran", () => {
    for (const result of results.get("filled-buffers") ?? []) expect(result.durationMs).toBeGreaterThan(0);
  });

  it("changed no file and received no connection", () => {
    expect(readFileSync(join(project.root, "victim.txt"), "utf8")).toBe("keep me");
    expect(connections).toBe(0);
  });

  it("ends a case's timers with it: a throwing interval never reaches the next case", () => {
    const got = results.get("leak-interval") ?? [];
    expect(got.map((r) => r.status)).toEqual(["pass", "pass"]);
    expect(got[0]?.logs.map((l) => l.message).join("\n")).toMatch(/left 1 timer\(s\) running/);
    expect(got[1]?.logs.map((l) => l.message).join("\n")).not.toMatch(/late interval/);
  });

  it("reports a promise a case left to reject on that case, never on the next", () => {
    const got = results.get("leak-rejection") ?? [];
    expect(got.map((r) => r.status)).toEqual(["pass", "pass"]);
    expect(got[0]?.logs.map((l) => l.message)).toEqual(["unhandled promise rejection in the transform: left behind"]);
    expect(got[1]?.logs).toEqual([]);
  });

  it("blames prototype pollution on the case that did it, and the next case never sees it", () => {
    const got = results.get("leak-pollution") ?? [];
    expect(got[0]?.status).toBe("error");
    expect(got[0]?.error?.code).toBe("E_SANDBOX");
    expect(got[0]?.error?.message).toMatch(/changed Object\.prototype\.polluted/);
    expect(got[1]?.status).toBe("pass");
    expect(got[1]?.output).toEqual({ polluted: null });
  });

  it.each(["hidden-tojson", "fixed-tojson", "symbol-key", "module-function", "buffer-method"])(
    "%s: blames a hidden change of a built-in on its case, and no result is forged",
    (name) => {
      const got = results.get(`leak-${name}`) ?? [];
      expect(got.map((r) => r.status)).toEqual(["error", "pass"]);
      expect(got[0]?.error?.code).toBe("E_SANDBOX");
      expect(got[0]?.error?.message).toMatch(/the transform changed (Object|Array|Buffer)\.prototype|the transform changed fs\./);
    },
  );

  it("reads a getter in an output once: what was validated is what leaves", () => {
    const got = results.get("leak-changing-getter") ?? [];
    expect(got.map((r) => [r.status, r.output])).toEqual([
      ["pass", { id: "tr-1", big: "small" }],
      ["pass", { id: "tr-1", big: "small" }],
    ]);
  });

  it("captures what a transform writes to stdout and stderr into its case's logs", () => {
    const got = results.get("leak-stdout") ?? [];
    expect(got.map((r) => r.status)).toEqual(["pass", "pass"]);
    expect(got[0]?.logs.map((l) => [l.level, l.message])).toEqual([
      ["log", "raw stdout"],
      ["error", "raw stderr"],
    ]);
  });

  it("keeps work a case left outside its timers (an AbortSignal.timeout, a message loop) out of other actions' cases", () => {
    for (const name of ["abort-signal", "message-loop"]) expect(results.get(`leak-${name}`)?.map((r) => r.status)).toEqual(["pass", "pass"]);
    const timedOut = [...results.entries()].filter(([, got]) => got.some((r) => r.error?.code === "E_TIMEOUT")).map(([name]) => name);
    expect(timedOut).toEqual([]);
  });

  it("gives a transform neither the harness's message port nor its shared state", () => {
    expect(results.get("leak-harness-port")?.map((r) => r.output)).toEqual([
      { id: "tr-1", port: true, state: true },
      { id: "tr-1", port: true, state: true },
    ]);
  });

  it("runs the healthy actions before and after the attacks, and they pass", () => {
    for (const name of ["000-healthy", "zzz-healthy"]) {
      expect(results.get(name)?.map((r) => r.status)).toEqual(["pass", "pass"]);
    }
  });
});
