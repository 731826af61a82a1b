// Inside the worker: doors a transform could leave through at run time, closed on Node's own modules, and the watch
// over what one case could leave behind for the next (timers, changed built-ins).
//
// The bundler swaps refused modules for stand-ins (sandbox-modules.ts), but a computed `import("node:" + name)` or a
// package's own `require` reaches the real ones. So the real modules are changed here too, before any transform loads:
// what they export to open a connection, a server, a lookup or a thread throws `E_SANDBOX`. Node 20's permission model
// refuses file writes, processes and native code in the whole sandbox process; it has no control over the network.
import { createRequire, syncBuiltinESMExports } from "node:module";
import { CxdaError } from "../core/errors.js";

const require = createRequire(import.meta.url);

/**
 * What a guard throws when a transform reaches for a closed door: a real CxdaError with `E_SANDBOX`, named
 * `CxdaError` so the guards that check `name`/`code` recognise it after it crosses threads and processes.
 * @example
 * throw new SandboxError("fetch", "network access is refused");
 */
export class SandboxError extends CxdaError {
  constructor(what: string, why: string) {
    super("E_SANDBOX", `${what} is blocked inside a transform: ${why}`);
  }
}

/** An `E_SANDBOX` error saying what was blocked and why. */
export function sandboxError(what: string, why: string): SandboxError {
  return new SandboxError(what, why);
}

function refuse(what: string, why: string) {
  return function refused(): never {
    throw sandboxError(what, why);
  };
}

/** Replaces `target[key]` for good: a transform cannot put the original back. */
function seal(target: object, key: string, value: unknown): void {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor !== undefined && descriptor.configurable === false && descriptor.writable === false) return;
  Object.defineProperty(target, key, { value, writable: false, configurable: false, enumerable: descriptor?.enumerable ?? true });
}

const NETWORK_WHY = "network access is refused; pass data in through the trigger or ctx.vars, or allow it in the cxda config (sandbox.network)";
const THREAD_WHY = "a transform may not start processes, threads or debuggers";
const EXIT_WHY = "a transform returns its output; it may not stop the process";
const NATIVE_WHY = "a transform may not load native code or reach the process underneath";

/** The name queries of `dns`, `dns/promises` and their `Resolver`s. */
const DNS_QUERIES = [
  "resolve",
  "resolve4",
  "resolve6",
  "resolveAny",
  "resolveCaa",
  "resolveCname",
  "resolveMx",
  "resolveNaptr",
  "resolveNs",
  "resolvePtr",
  "resolveSoa",
  "resolveSrv",
  "resolveTxt",
  "reverse",
];

/**
 * Functions of Node's network modules that open a connection, listen, send or resolve a name. Classes are covered
 * through their prototypes: every client (http, https, http2, tls, fetch's undici) ends in `net.Socket#connect`.
 */
const NETWORK_DOORS: Record<string, { functions: string[]; prototypes?: Record<string, string[]> }> = {
  net: { functions: ["connect", "createConnection", "createServer"], prototypes: { Socket: ["connect"], Server: ["listen", "_listen2"] } },
  tls: { functions: ["connect", "createServer"] },
  http: { functions: ["request", "get", "createServer"], prototypes: { Server: ["listen"] } },
  https: { functions: ["request", "get", "createServer"] },
  http2: { functions: ["connect", "createServer", "createSecureServer"] },
  dgram: { functions: ["createSocket"], prototypes: { Socket: ["bind", "send", "sendto", "connect"] } },
  dns: {
    functions: ["lookup", "lookupService", ...DNS_QUERIES],
    prototypes: {
      Resolver: DNS_QUERIES,
    },
  },
  "dns/promises": {
    functions: ["lookup", "lookupService", ...DNS_QUERIES],
  },
};

/** Closes the network on Node's real modules (see {@link NETWORK_DOORS}) and the web globals that reach it. */
function closeNetwork(): void {
  for (const [name, doors] of Object.entries(NETWORK_DOORS)) {
    const real = require(`node:${name}`) as Record<string, unknown>;
    for (const fn of doors.functions) if (typeof real[fn] === "function") seal(real, fn, refuse(`${name}.${fn}`, NETWORK_WHY));
    for (const [className, methods] of Object.entries(doors.prototypes ?? {})) {
      const prototype = (real[className] as { prototype?: object } | undefined)?.prototype;
      if (prototype !== undefined) for (const method of methods) seal(prototype, method, refuse(`${name}.${className}#${method}`, NETWORK_WHY));
    }
  }
  const dns = require("node:dns") as { promises?: Record<string, unknown> };
  const lookups = NETWORK_DOORS["dns/promises"]!.functions;
  if (dns.promises !== undefined)
    for (const fn of lookups) if (typeof dns.promises[fn] === "function") seal(dns.promises, fn, refuse(`dns.promises.${fn}`, NETWORK_WHY));
  // The promise API has a Resolver class of its own, as does dns/promises (the same object, sealed once).
  const promiseResolver = (dns.promises?.Resolver as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  if (promiseResolver !== undefined)
    for (const fn of lookups)
      if (typeof promiseResolver[fn] === "function") seal(promiseResolver, fn, refuse(`dns.promises.Resolver#${fn}`, NETWORK_WHY));
  for (const name of ["fetch", "WebSocket", "EventSource"]) if (name in globalThis) seal(globalThis, name, refuse(name, NETWORK_WHY));
}

/** Threads, debuggers and the process underneath. The permission model refuses child processes itself. */
function closeProcessDoors(): void {
  const threads = require("node:worker_threads") as Record<string, unknown>;
  seal(threads, "Worker", refuse("worker_threads.Worker", THREAD_WHY));
  // The harness's own channel and shared state (taken by worker-entry.ts before this runs) are no transform's business:
  // a forged message or a rewritten phase would blame, time or pass cases falsely.
  seal(threads, "parentPort", null);
  seal(threads, "workerData", null);
  // Module hooks run on a thread of their own, which these guards never reach.
  const modules = require("node:module") as Record<string, unknown>;
  for (const name of ["register", "registerHooks"])
    if (typeof modules[name] === "function") seal(modules, name, refuse(`module.${name}`, THREAD_WHY));
  const cluster = require("node:cluster") as Record<string, unknown>;
  seal(cluster, "fork", refuse("cluster.fork", THREAD_WHY));
  process.exit = refuse("process.exit()", EXIT_WHY) as typeof process.exit;
  process.abort = refuse("process.abort()", EXIT_WHY) as typeof process.abort;
  process.kill = refuse("process.kill()", EXIT_WHY) as typeof process.kill;
  process.chdir = refuse("process.chdir()", "the working directory is shared with the harness");
  for (const name of [
    "binding",
    "_linkedBinding",
    "dlopen",
    "reallyExit",
    "_kill",
    "_debugProcess",
    "_debugEnd",
    "_startProfilerIdleNotifier",
    "_stopProfilerIdleNotifier",
  ]) {
    if (name in process) seal(process, name, refuse(`process.${name}()`, NATIVE_WHY));
  }
  // Their answer includes the harness's message port.
  for (const name of ["_getActiveHandles", "_getActiveRequests"])
    if (name in process) seal(process, name, refuse(`process.${name}()`, "the harness's handles are not a transform's"));
}

const DESCRIPTOR_WHY =
  "a transform may write only to files it opened itself: the descriptors it did not open are the harness's (its channel to cxda, its output)";

/**
 * Writes through a file descriptor are allowed only on descriptors the transform opened itself. The permission model
 * checks paths, not descriptors, and the sandbox process's descriptors include its channel to cxda (3): bytes
 * written there would reach cxda as messages (a forged result, or a stream it can no longer read).
 */
function guardDescriptors(): void {
  const fs = require("node:fs") as Record<string, (...args: unknown[]) => unknown>;
  const own = new Set<number>();
  const openSync = fs.openSync!;
  seal(fs, "openSync", function (this: unknown, ...args: unknown[]) {
    const fd = openSync.apply(this, args) as number;
    own.add(fd);
    return fd;
  });
  const open = fs.open!;
  seal(fs, "open", function (this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === "function") {
      args[last] = (error: unknown, fd: number) => {
        if (error === null || error === undefined) own.add(fd);
        return (callback as (error: unknown, fd: number) => unknown)(error, fd);
      };
    }
    return open.apply(this, args);
  });
  const byDescriptor = (name: string, fdArgument: (args: unknown[]) => unknown): void => {
    const real = fs[name];
    if (typeof real !== "function") return;
    seal(fs, name, function (this: unknown, ...args: unknown[]) {
      const fd = fdArgument(args);
      if (typeof fd === "number" && !own.has(fd)) throw sandboxError(`fs.${name} on descriptor ${fd}`, DESCRIPTOR_WHY);
      return real.apply(this, args);
    });
  };
  for (const name of [
    "write",
    "writeSync",
    "writev",
    "writevSync",
    "ftruncate",
    "ftruncateSync",
    "fsync",
    "fsyncSync",
    "fdatasync",
    "fdatasyncSync",
    "read",
    "readSync",
    "readv",
    "readvSync",
    "close",
    "closeSync",
  ]) {
    byDescriptor(name, (args) => args[0]);
  }
  // A number in place of the path is a descriptor: these write through it without calling fs.write.
  for (const name of ["writeFile", "writeFileSync", "appendFile", "appendFileSync", "readFile", "readFileSync"])
    byDescriptor(name, (args) => args[0]);
  // A socket made on a descriptor (new net.Socket({ fd: 3 })) writes through its handle: not on the harness's.
  const net = require("node:net") as { Socket: { prototype: Record<string, unknown> } };
  for (const method of ["_writeGeneric", "_writev", "_read"]) {
    const real = net.Socket.prototype[method] as ((...args: unknown[]) => unknown) | undefined;
    if (typeof real !== "function") continue;
    seal(net.Socket.prototype, method, function (this: { _handle?: { fd?: unknown } }, ...args: unknown[]) {
      const fd = this._handle?.fd;
      if (typeof fd === "number" && fd >= 0 && fd <= 3) throw sandboxError(`a socket on descriptor ${fd}`, DESCRIPTOR_WHY);
      return real.apply(this, args);
    });
  }
}

/**
 * Installs every guard. Returns the real `process.exit`, kept for the harness. Imports of the real modules made
 * before this (the worker's own) see the changes too: `syncBuiltinESMExports` brings ES module views up to date.
 */
export function installRuntimeGuards(allowNetwork: boolean): (code: number) => never {
  const exit = process.exit.bind(process) as (code: number) => never;
  closeProcessDoors();
  guardDescriptors();
  if (!allowNetwork) closeNetwork();
  syncBuiltinESMExports();
  return exit;
}

// ---------------------------------------------------------------------------------------------------------------------
// Timers: each case's own, ended with it.

type TimerKind = "timeout" | "interval" | "immediate";

/** Timers set by the case now running; cleared when it ends, so none of them can run into a later case. */
const pending = new Set<{ kind: TimerKind; handle: unknown }>();

/**
 * Wraps the global timer functions (and `node:timers`' own) so that every timer a transform sets belongs to the case
 * that set it. {@link endCaseTimers} clears what is left when the case ends.
 */
export function trackTimers(): void {
  const timers = require("node:timers") as Record<string, unknown>;
  const real = {
    setTimeout: globalThis.setTimeout,
    setInterval: globalThis.setInterval,
    setImmediate: globalThis.setImmediate,
    clearTimeout: globalThis.clearTimeout,
    clearInterval: globalThis.clearInterval,
    clearImmediate: globalThis.clearImmediate,
  };
  const wrap = <A extends unknown[]>(kind: TimerKind, set: (...args: A) => unknown, once: boolean) =>
    function tracked(this: unknown, ...args: A): unknown {
      const entry = { kind, handle: undefined as unknown };
      if (once && typeof args[0] === "function") {
        const callback = args[0] as (...rest: unknown[]) => unknown;
        (args as unknown[])[0] = function (this: unknown, ...rest: unknown[]) {
          pending.delete(entry);
          return callback.apply(this, rest);
        };
      }
      entry.handle = set.apply(this, args);
      pending.add(entry);
      return entry.handle;
    };
  const replacements = {
    setTimeout: wrap("timeout", real.setTimeout as never, true),
    setInterval: wrap("interval", real.setInterval as never, false),
    setImmediate: wrap("immediate", real.setImmediate as never, true),
  };
  for (const [name, value] of Object.entries(replacements)) {
    Object.assign(value, { __promisify__: (real as Record<string, { __promisify__?: unknown }>)[name]?.__promisify__ });
    (globalThis as Record<string, unknown>)[name] = value;
    timers[name] = value;
  }
  clearers = { timeout: real.clearTimeout, interval: real.clearInterval, immediate: real.clearImmediate } as typeof clearers;
}

let clearers: Record<TimerKind, (handle: unknown) => void> | undefined;

/** Clears every timer the case set and left running; returns how many there were. */
export function endCaseTimers(): number {
  if (pending.size === 0 || clearers === undefined) return 0;
  const left = pending.size;
  for (const { kind, handle } of pending) clearers[kind](handle);
  pending.clear();
  return left;
}

// ---------------------------------------------------------------------------------------------------------------------
// Built-ins and globals: what one case changes there, every later case in the worker would meet.

/** Every changeable value property of the shared built-ins, as it was before any transform ran. */
interface Intrinsics {
  owners: object[];
  keys: PropertyKey[];
  values: unknown[];
  globals: number;
  /** Each shared object once, with its own keys (in order, and as a set) and prototype as recorded. */
  shapes: Array<{ owner: object; order: PropertyKey[]; keys: Set<PropertyKey>; prototype: object | null }>;
  /** Returns the index of the first property whose value changed, or -1 (see {@link compileCheck}). */
  check: (owners: object[], values: unknown[]) => number;
}

/** The objects every case shares: the global object, the constructors, their prototypes and namespaces. */
function sharedObjects(): object[] {
  const named = [
    "Object",
    "Function",
    "Array",
    "String",
    "Number",
    "Boolean",
    "Symbol",
    "BigInt",
    "Date",
    "RegExp",
    "Error",
    "TypeError",
    "RangeError",
    "SyntaxError",
    "Promise",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "URL",
    "URLSearchParams",
    "TextEncoder",
    "TextDecoder",
    "Buffer",
    "AbortController",
    "AbortSignal",
    "EventTarget",
    "Event",
    "Headers",
    "Request",
    "Response",
    "Blob",
    "Performance",
  ];
  const objects: object[] = [globalThis, JSON, Math, Reflect, Atomics, Intl, console, performance];
  for (const name of named) {
    const value = (globalThis as Record<string, unknown>)[name];
    if (typeof value === "function") objects.push(value, value.prototype as object);
  }
  const typedArray = Object.getPrototypeOf(Uint8Array) as { prototype: object };
  objects.push(
    typedArray,
    typedArray.prototype,
    Object.getPrototypeOf([][Symbol.iterator]()) as object,
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object,
  );
  const webCrypto = (globalThis as { crypto?: object }).crypto;
  if (webCrypto !== undefined) objects.push(webCrypto, Object.getPrototypeOf(webCrypto) as object);
  return objects.filter((object) => object !== undefined && object !== null);
}

/** The names of the recorded modules, for messages. */
const moduleNames = new WeakMap<object, string>();

/**
 * Node's modules a transform may import and change (`fs.existsSync = …` reaches every later importer): their
 * function-valued properties are recorded by value; their shapes are not (some add properties lazily). `process`
 * likewise, by its functions only (its other properties change as it runs).
 */
function sharedModules(): object[] {
  // Modules Node has loaded anyway, so recording them costs the worker's start nothing.
  const names = ["fs", "fs/promises", "path", "util", "events", "buffer", "url", "stream", "timers"];
  const modules: object[] = [process];
  moduleNames.set(process, "process");
  for (const name of names) {
    try {
      const module = require(`node:${name}`) as object;
      moduleNames.set(module, name);
      modules.push(module);
    } catch {
      // Not in this Node: nothing to record.
    }
  }
  return modules;
}

/**
 * A function that reads each recorded property the way compiled code does, by name at its own site (one inline cache
 * each), rather than through one generic keyed read in a loop: about 1 µs for all of them instead of about 25 µs
 * (numbers, symbols and the global object are slow in the generic path).
 */
function compileCheck(keys: PropertyKey[]): Intrinsics["check"] {
  const symbols: symbol[] = [];
  const lines = keys.map((key, i) => {
    const read =
      typeof key === "symbol"
        ? `o[${i}][s[${symbols.push(key) - 1}]]`
        : /^[A-Za-z_$][\w$]*$/.test(String(key))
          ? `o[${i}].${key}`
          : `o[${i}][${JSON.stringify(key)}]`;
    // NaN is the one value not equal to itself.
    return `if ((x = ${read}) !== v[${i}] && (x === x || v[${i}] === v[${i}])) return ${i};`;
  });
  // The harness's own code, generated once from the names it recorded, before any transform loads.
  const build = new Function("s", `return function check(o, v) { let x; ${lines.join("\n")} return -1; };`) as (
    symbols: symbol[],
  ) => Intrinsics["check"];
  return build(symbols);
}

let intrinsics: Intrinsics | undefined;

/**
 * Records the built-ins as they are now: call once the harness has set up, before any transform loads. Properties
 * that cannot be assigned (non-writable: `Math.PI`, a class's `prototype`) are left out: no case can change them.
 */
export function recordIntrinsics(): void {
  const owners: object[] = [];
  const keys: PropertyKey[] = [];
  const values: unknown[] = [];
  const shapes: Intrinsics["shapes"] = [];
  const record = (owner: object, functionsOnly: boolean): void => {
    for (const key of Reflect.ownKeys(owner)) {
      const descriptor = Object.getOwnPropertyDescriptor(owner, key);
      if (descriptor === undefined || !("value" in descriptor) || descriptor.writable !== true) continue;
      if (functionsOnly && typeof descriptor.value !== "function") continue;
      owners.push(owner);
      keys.push(key);
      values.push(descriptor.value);
    }
  };
  for (const owner of sharedObjects()) {
    const order = Reflect.ownKeys(owner);
    shapes.push({ owner, order, keys: new Set(order), prototype: Object.getPrototypeOf(owner) as object | null });
    record(owner, false);
  }
  for (const module of sharedModules()) record(module, true);
  intrinsics = { owners, keys, values, globals: Object.keys(globalThis).length, shapes, check: compileCheck(keys) };
}

/**
 * What changed in the built-ins since {@link recordIntrinsics}, named for the message (`Object.prototype.polluted`),
 * or undefined: a recorded value replaced, a key added (enumerable or not, a symbol too) or removed, a prototype
 * swapped. About 40 µs, so it runs once per chunk of results, or after each case of a batch run again to find the
 * case that changed something.
 */
export function changedIntrinsic(): string | undefined {
  if (intrinsics === undefined) return undefined;
  const { owners, keys, values } = intrinsics;
  const changed = intrinsics.check(owners, values);
  if (changed >= 0) return `${nameOf(owners[changed]!)}.${String(keys[changed])}`;
  for (const shape of intrinsics.shapes) {
    if (Object.getPrototypeOf(shape.owner) !== shape.prototype) return `the prototype of ${nameOf(shape.owner)}`;
    const now = Reflect.ownKeys(shape.owner);
    if (sameKeys(now, shape.order)) continue;
    // The same keys in another order (one deleted and put back) are the same shape.
    if (now.length === shape.keys.size && now.every((key) => shape.keys.has(key))) continue;
    const added = now.find((key) => !shape.keys.has(key));
    return added !== undefined ? `${nameOf(shape.owner)}.${String(added)}` : `${nameOf(shape.owner)} (a property was deleted)`;
  }
  return undefined;
}

/** Whether two lists of keys are equal, item by item: the usual answer, found without hashing a key. */
function sameKeys(now: PropertyKey[], recorded: PropertyKey[]): boolean {
  if (now.length !== recorded.length) return false;
  for (let i = 0; i < now.length; i++) if (now[i] !== recorded[i]) return false;
  return true;
}

/**
 * Puts the built-ins back as recorded, as far as they can be (a property made non-configurable cannot be removed).
 * Returns whether they are all back: the harness uses JSON and the prototypes it shares with the transform, so a
 * result is sent only once they are, or in a form that does not use them.
 */
export function restoreIntrinsics(): boolean {
  if (intrinsics === undefined) return true;
  const { owners, keys, values } = intrinsics;
  for (const shape of intrinsics.shapes) {
    if (Object.getPrototypeOf(shape.owner) !== shape.prototype) Reflect.setPrototypeOf(shape.owner, shape.prototype);
    for (const key of Reflect.ownKeys(shape.owner)) if (!shape.keys.has(key)) Reflect.deleteProperty(shape.owner, key);
  }
  for (let i = 0; i < owners.length; i++) {
    const owner = owners[i] as Record<PropertyKey, unknown>;
    if (!Object.is(owner[keys[i]!], values[i]) && !Reflect.set(owner, keys[i]!, values[i]))
      Reflect.defineProperty(owner, keys[i]!, { value: values[i], writable: true });
  }
  return changedIntrinsic() === undefined;
}

function nameOf(owner: object): string {
  if (owner === globalThis) return "globalThis";
  if (owner === JSON) return "JSON";
  if (owner === Math) return "Math";
  if (owner === Reflect) return "Reflect";
  if (owner === console) return "console";
  if (owner === performance) return "performance";
  const module = moduleNames.get(owner);
  if (module !== undefined) return module;
  if (typeof owner === "function") return owner.name;
  const constructor = Object.getOwnPropertyDescriptor(owner, "constructor")?.value as { name?: string } | undefined;
  return constructor?.name ? `${constructor.name}.prototype` : "a built-in";
}
