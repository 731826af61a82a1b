// How every platform reads its settings: explicit options, then the environment, then a .env file, with names for messages.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { CxdaError } from "../core/errors.js";
import type { PlatformOptions } from "./platform.js";

/** One place a value can come from, with the name to show a user. */
interface Layer<K extends string> {
  get(key: K): string | undefined;
  label(key: K): string;
}

/** A value and where it was found (`CXONE_CLIENT_ID`, `the clientId option`, `GENESYSCLOUD_REGION (in .env)`). */
export interface Found {
  value: string;
  from: string;
}

/** A platform's settings, read in layers. */
export interface Settings<K extends string> {
  /** Options first, then the environment, then `.env`. */
  readonly layers: ReadonlyArray<Layer<K>>;
  /** The first layer that has `key`. */
  find(key: K): Found | undefined;
  /** Where `key` came from, or its variable name when it is unset. */
  labelOf(key: K): string;
  /** The value of `key`, or `E_CONFIG` saying `why` and what to set (marked `missing`, so a caller can tell "no credentials"). */
  need(key: K, why: string): string;
  /** Whether plain http to other hosts than loopback was allowed. */
  readonly allowInsecure: boolean;
  /** A URL setting, checked (see {@link checkUrl}). */
  url(found: Found): string;
  /** The `.env` file that was read, when one was. */
  readonly envFile: string | undefined;
}

/** What {@link readSettings} needs to know about a platform's names. */
export interface SettingNames<K extends string> {
  /** The environment variable of each setting. */
  env: Readonly<Record<K, string>>;
  /** The option of each setting, as `PlatformOptions` (and the config's `auth`) name it. */
  options: Readonly<Record<K, string>>;
  /** The setting that allows plain http to non-loopback hosts. */
  insecureKey: K;
}

function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function readDotEnv(file: string): Record<string, string | undefined> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CxdaError("E_CONFIG", `${file}: cannot read the .env file (${(error as NodeJS.ErrnoException).code ?? "error"})`, {
      cause: error,
      context: { file },
    });
  }
  return parseEnv(text);
}

/** Whether a URL's host is this machine (plain http there never crosses a network). */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Parses and checks a URL, naming where it came from when it is wrong; strips the query, the fragment and a trailing
 * slash. Plain http is refused to other hosts than loopback unless `insecureSetting` was set.
 */
export function checkUrl(value: string, from: string, allowInsecure: boolean, insecureSetting: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CxdaError("E_CONFIG", `${from} is not a valid URL: "${value}"`, { context: { setting: from } });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new CxdaError("E_CONFIG", `${from} must be an http(s) URL, got "${url.protocol}"`, { context: { setting: from } });
  }
  if (url.username !== "" || url.password !== "") {
    throw new CxdaError("E_CONFIG", `${from} must not carry credentials in the URL; use the credential variables instead`, {
      context: { setting: from },
    });
  }
  if (url.protocol === "http:" && !allowInsecure && !isLoopback(url.hostname)) {
    throw new CxdaError(
      "E_CONFIG",
      `${from} uses plain http to ${url.hostname}, which would send credentials in clear; use https, a loopback host, or set ${insecureSetting}=1`,
      { context: { setting: from } },
    );
  }
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}

/** One id, or several separated by commas or spaces. */
export function parseIds(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter((id) => id !== "");
}

/**
 * Reads a platform's settings from `values` (the explicit options, by setting), the environment and `.env` in `cwd`.
 * @example
 * const settings = readSettings({ clientId: options.clientId }, { env: { clientId: "X_ID" }, options: { clientId: "clientId" }, insecureKey: … }, options);
 * settings.need("clientId", "no client id");
 */
export function readSettings<K extends string>(
  values: Partial<Record<K, string | undefined>>,
  names: SettingNames<K>,
  options: Pick<PlatformOptions, "env" | "envFile" | "cwd">,
): Settings<K> {
  const cwd = options.cwd ?? process.cwd();
  const envFile = options.envFile === false ? undefined : resolve(cwd, options.envFile ?? ".env");
  const dotEnv = envFile === undefined ? undefined : readDotEnv(envFile);
  const env = options.env ?? process.env;
  const layers: Array<Layer<K>> = [
    { get: (key) => clean(values[key]), label: (key) => `the ${names.options[key]} option` },
    { get: (key) => clean(env[names.env[key]]), label: (key) => names.env[key] },
  ];
  if (dotEnv !== undefined) {
    const where = ` (in ${typeof options.envFile === "string" ? options.envFile : ".env"})`;
    layers.push({ get: (key) => clean(dotEnv[names.env[key]]), label: (key) => `${names.env[key]}${where}` });
  }
  const find = (key: K): Found | undefined => {
    for (const layer of layers) {
      const value = layer.get(key);
      if (value !== undefined) return { value, from: layer.label(key) };
    }
    return undefined;
  };
  const flag = find(names.insecureKey)?.value.toLowerCase();
  const allowInsecure = flag === "1" || flag === "true" || flag === "yes";
  return {
    layers,
    find,
    labelOf: (key) => find(key)?.from ?? names.env[key],
    need(key, why) {
      const found = find(key);
      if (found !== undefined) return found.value;
      throw new CxdaError("E_CONFIG", `${why}: set ${names.env[key]} (in the environment or .env) or pass the ${names.options[key]} option`, {
        context: { setting: names.env[key], missing: true },
      });
    },
    allowInsecure,
    url: (found) => checkUrl(found.value, found.from, allowInsecure, names.env[names.insecureKey]),
    envFile: dotEnv === undefined ? undefined : envFile,
  };
}

/**
 * Refuses options given explicitly that mean nothing on this platform (a CXone `environment` with `--platform genesys`),
 * so a setting never silently does nothing.
 */
export function refuseForeignOptions(
  options: PlatformOptions,
  foreign: ReadonlyArray<keyof PlatformOptions>,
  platform: string,
  instead: string,
): void {
  const given = foreign.filter((key) => options[key] !== undefined);
  if (given.length === 0) return;
  throw new CxdaError(
    "E_CONFIG",
    `${given.map((key) => `the ${key} option`).join(", ")} ${given.length === 1 ? "is" : "are"} not a ${platform} setting; ${instead}`,
    { context: { setting: given[0] } },
  );
}
