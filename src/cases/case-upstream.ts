// A case's `upstream` (what a declarative action's remote endpoint answers) and `expect.request`, checked as they are
// read: inline, or a fixture file beside the action.
import { realpathSync, statSync } from "node:fs";
import { validateHeaderName, validateHeaderValue } from "node:http";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { CxdaError } from "../core/errors.js";
import type { RequestExpectation, UpstreamResponse } from "../core/types.js";
import { parseJsonText, readTextFileSync } from "../internal/json-file.js";
import { didYouMean } from "../internal/did-you-mean.js";
import { isJsonData, isRecord } from "../internal/json-data.js";

const UPSTREAM_KEYS = ["status", "headers", "body"] as const;
const REQUEST_KEYS = ["method", "url", "headers", "body"] as const;

function onlyKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value))
    if (!known.includes(key)) throw new CxdaError("E_CASE", `${where}: unknown key "${key}"${didYouMean(key, known)}; allowed: ${known.join(", ")}`);
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (!isRecord(value) || Object.values(value).some((v) => typeof v !== "string"))
    throw new CxdaError("E_CASE", `${where}: must be an object of header names to string values, such as { "Content-Type": "application/json" }`);
  return value as Record<string, string>;
}

/**
 * Checks an upstream answer: `{ status?, headers?, body? }` with a status from 100 to 599 (200 when absent).
 * @throws CxdaError `E_CASE` naming `where` and what to write instead.
 */
export function checkUpstream(raw: unknown, where: string, fixtures = true): UpstreamResponse {
  if (!isRecord(raw))
    throw new CxdaError(
      "E_CASE",
      `${where}: must be an object { status, headers, body }${fixtures ? ' or the path of a fixture file such as "fixtures/ok.json"' : ""}`,
    );
  onlyKeys(raw, UPSTREAM_KEYS, where);
  const status = raw.status ?? 200;
  // A 1xx is not an answer (the exchange goes on): a data action's endpoint answers 200 to 599.
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599)
    throw new CxdaError("E_CASE", `${where}.status: must be a final HTTP status from 200 to 599, got ${JSON.stringify(status)}`);
  const headers = raw.headers === undefined ? {} : stringMap(raw.headers, `${where}.headers`);
  for (const [name, value] of Object.entries(headers)) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (error) {
      throw new CxdaError(
        "E_CASE",
        `${where}.headers: ${JSON.stringify(name)} cannot be sent over HTTP (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  if (raw.body !== undefined && !isJsonData(raw.body)) throw new CxdaError("E_CASE", `${where}.body: must be JSON data or a string`);
  if (raw.body !== undefined && (status === 204 || status === 304))
    throw new CxdaError("E_CASE", `${where}: a ${status} answer has no body; remove the body or give another status`);
  const upstream: UpstreamResponse = { status, headers };
  if (raw.body !== undefined) upstream.body = raw.body as NonNullable<UpstreamResponse["body"]>;
  return upstream;
}

/**
 * Reads a case's upstream fixture: a JSON file `{ status, headers, body }`, its path relative to the action's folder
 * (the folder above `cases/`), and inside it.
 * @throws CxdaError `E_CASE` for a path outside the action's folder, a missing file, or a file of the wrong shape.
 */
export function readUpstreamFixture(caseFile: string, path: string, where: string): UpstreamResponse {
  const actionDir = dirname(dirname(resolve(caseFile)));
  const outside = (): CxdaError =>
    new CxdaError("E_CASE", `${where}: "${path}" is outside the action's folder; give a path inside it, such as "fixtures/ok.json"`);
  const within = (root: string, file: string): boolean => {
    const inside = relative(root, file);
    return !(inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside));
  };
  if (isAbsolute(path) || !within(actionDir, resolve(actionDir, path))) throw outside();
  let file: string;
  try {
    // Where it really is, links followed: a link out of the folder is as far out as its target.
    file = realpathSync(resolve(actionDir, path));
  } catch (error) {
    throw unreadable(error);
  }
  if (!within(realpathSync(actionDir), file)) throw outside();
  let text: string;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw new Error("not a regular file");
    if (stats.size > MAX_FIXTURE_BYTES) throw new Error(`larger than ${MAX_FIXTURE_BYTES} bytes`);
    text = readTextFileSync(file, "E_CASE", path);
  } catch (error) {
    throw unreadable(error);
  }
  return checkUpstream(parseJsonText(text, path, "E_CASE"), `${where} (${path})`);

  function unreadable(error: unknown): CxdaError {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : error instanceof Error ? error.message : String(error);
    return new CxdaError("E_CASE", `${where}: cannot read the upstream fixture "${path}" (relative to ${actionDir}): ${reason}`);
  }
}

/** The largest fixture file read: an upstream answer is small JSON (the stub's own limit is 16 MB). */
const MAX_FIXTURE_BYTES = 16 * 1024 * 1024;

/** Checks `expect.request`: `{ method?, url?, headers?, body? }`. */
export function checkRequestExpectation(raw: unknown, where: string): RequestExpectation {
  if (!isRecord(raw)) throw new CxdaError("E_CASE", `${where}: must be an object with any of ${REQUEST_KEYS.join(", ")}`);
  onlyKeys(raw, REQUEST_KEYS, where);
  for (const key of ["method", "url"] as const)
    if (raw[key] !== undefined && typeof raw[key] !== "string") throw new CxdaError("E_CASE", `${where}.${key}: must be a string`);
  if (raw.headers !== undefined) stringMap(raw.headers, `${where}.headers`);
  if (raw.body !== undefined && !isJsonData(raw.body))
    throw new CxdaError("E_CASE", `${where}.body: must be JSON data, or the exact body as a string`);
  return raw as RequestExpectation;
}
