// The esbuild plugin that swaps Node's network, process and file-writing modules for stand-ins that refuse.
import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";

/** What a transform may reach beyond `ctx`. Everything is refused unless allowed. */
export interface SandboxAllowances {
  /** Allow `fetch`, `http`, `https`, `net`, `tls`, `dgram`, `dns`, `http2`. @default false */
  network: boolean;
  /** Allow `fs` writes (write, append, mkdir, rm, rename…). Reads are always allowed. @default false */
  fsWrite: boolean;
}

const NETWORK_MODULES = ["http", "https", "http2", "net", "tls", "dgram", "dns", "dns/promises"];
/** Modules that would let a transform leave its worker: never allowed. */
const PROCESS_MODULES = ["child_process", "cluster", "worker_threads", "inspector", "inspector/promises", "vm", "repl", "module"];
const FS_MODULES = ["fs", "fs/promises"];

/** fs functions that change the file system (and `open` variants, which are checked by flag). */
const FS_WRITE_NAME =
  /^(write|append|mkdir|mkdtemp|rm|rmdir|unlink|rename|copy|cp|symlink|link|truncate|ftruncate|chmod|fchmod|lchmod|chown|fchown|lchown|utimes|futimes|lutimes|createWriteStream)/;

const SANDBOX_NAMESPACE = "cxda-sandbox";

/** Source of the helper every stand-in module shares: throws an E_SANDBOX error shaped like a CxdaError. */
const REFUSE_SOURCE = `
function __cxdaRefuse(what, why) {
  return function refused() {
    const error = new Error(what + " is blocked inside a transform: " + why);
    error.name = "CxdaError";
    error.code = "E_SANDBOX";
    throw error;
  };
}`;

function bareName(path: string): string {
  return path.startsWith("node:") ? path.slice(5) : path;
}

async function standInSource(name: string): Promise<string> {
  const real = (await import(/* @vite-ignore */ `node:${name}`)) as Record<string, unknown>;
  const keys = Object.keys(real).filter((key) => key !== "default" && /^[A-Za-z_$][\w$]*$/.test(key));
  const isFs = FS_MODULES.includes(name);
  const why = isFs
    ? "file writes are refused; return data instead, or allow writes in the cxda config (sandbox.fsWrite)"
    : NETWORK_MODULES.includes(name)
      ? "network access is refused; pass data in through the trigger or ctx.vars, or allow it in the cxda config (sandbox.network)"
      : "a transform may not start processes, threads or debuggers, or load modules around the bundle";
  const lines = [`import * as real from "node:${name}";`, REFUSE_SOURCE];
  const refuses = (key: string): boolean => {
    if (typeof real[key] !== "function") return false;
    if (!isFs) return true;
    return FS_WRITE_NAME.test(key);
  };
  for (const key of keys) {
    if (isFs && key === "promises") continue;
    if (refuses(key)) lines.push(`export const ${key} = __cxdaRefuse(${JSON.stringify(`${name}.${key}`)}, ${JSON.stringify(why)});`);
    else if (isFs && /^open(Sync)?$/.test(key)) lines.push(openGuard(key, name, why));
    else lines.push(`export const ${key} = real.${key};`);
  }
  if (isFs && name === "fs") lines.push(`export const promises = { ...real.promises, ...${fsPromisesOverrides(why)} };`);
  lines.push(`export default { ${keys.join(", ")} };`);
  return lines.join("\n");
}

/** `open` reads are fine; any flag that writes, creates, truncates or appends is refused (O_TRUNC truncates even read-only). */
function openGuard(key: string, name: string, why: string): string {
  return `export const ${key} = function (path, flags, ...rest) {
  if (typeof flags === "string" && !/^(r|rs|sr)$/.test(flags)) __cxdaRefuse(${JSON.stringify(`${name}.${key}`)} + " with flags " + JSON.stringify(flags), ${JSON.stringify(why)})();
  if (typeof flags === "number" && (flags & (3 | real.constants.O_CREAT | real.constants.O_TRUNC | real.constants.O_APPEND)) !== 0) __cxdaRefuse(${JSON.stringify(`${name}.${key}`)} + " for writing", ${JSON.stringify(why)})();
  return real.${key}(path, flags, ...rest);
};`;
}

function fsPromisesOverrides(why: string): string {
  const names = [
    "writeFile",
    "appendFile",
    "mkdir",
    "mkdtemp",
    "rm",
    "rmdir",
    "unlink",
    "rename",
    "copyFile",
    "cp",
    "symlink",
    "link",
    "truncate",
    "chmod",
    "lchmod",
    "chown",
    "lchown",
    "utimes",
    "lutimes",
  ];
  return `{ ${names.map((n) => `${n}: __cxdaRefuse("fs.promises.${n}", ${JSON.stringify(why)})`).join(", ")} }`;
}

/** Module names (bare, without `node:`) the plugin replaces, given what is allowed. */
export function refusedModules(allow: SandboxAllowances): string[] {
  const names = [...PROCESS_MODULES];
  if (!allow.network) names.push(...NETWORK_MODULES);
  if (!allow.fsWrite) names.push(...FS_MODULES);
  return names.filter((name) => builtinModules.includes(name));
}

/**
 * An esbuild plugin that resolves refused Node modules (static and dynamic imports, `node:` or bare)
 * to stand-ins whose functions throw `E_SANDBOX` when called; harmless constants pass through.
 */
export function sandboxPlugin(allow: SandboxAllowances): Plugin {
  const refused = new Set(refusedModules(allow));
  return {
    name: "cxda-sandbox",
    setup(build) {
      build.onResolve({ filter: /^(node:)?[a-z_/0-9]+$/ }, (args) => {
        if (args.namespace === SANDBOX_NAMESPACE) return undefined;
        const name = bareName(args.path);
        if (!refused.has(name)) return undefined;
        return { path: name, namespace: SANDBOX_NAMESPACE };
      });
      build.onResolve({ filter: /^node:/, namespace: SANDBOX_NAMESPACE }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace: SANDBOX_NAMESPACE }, async (args) => ({
        contents: await standInSource(args.path),
        loader: "js",
      }));
    },
  };
}
