// Saves an inbound trigger as a case file `<dir>/<action>/cases/recorded-<timestamp>-<n>.json`, secrets removed, written atomically.
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { removeSecrets } from "../secrets/remove-secrets.js";

/** What was written. */
export interface RecordedTrigger {
  file: string;
  /** The case name inside the file. */
  name: string;
  /** JSON Pointers of the secret-looking fields left out. */
  removed: string[];
}

/** `2026-11-20T10:00:00.123Z` → `20261120T100000123Z`: sortable, and safe in file names on every system. */
function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, "");
}

/**
 * Writes `{ name, payload }` for `trigger` into `<recordDir>/<folder>/cases/`, where `loadCases` (and so `cxda test`)
 * finds it. Secret-looking fields are removed first (see `removeSecrets`); request headers are never part of it.
 * The file appears whole or not at all: it is written under a temporary name and renamed.
 * @example
 * await recordTrigger("recorded", "billing-callback", trigger, { at: Date.now(), sequence: 1 });
 * // { file: "recorded/billing-callback/cases/recorded-20261120T100000123Z-1.json", name: "recorded 2026-11-20T10:00:00.123Z #1", removed: [] }
 */
export async function recordTrigger(
  recordDir: string,
  folder: string,
  trigger: Record<string, unknown>,
  stamp: { at: number; sequence: number },
): Promise<RecordedTrigger> {
  const { value, removed } = removeSecrets(trigger);
  const casesDir = join(recordDir, folder, "cases");
  const base = `recorded-${compactTime(stamp.at)}-${stamp.sequence}`;
  const file = join(casesDir, `${base}.json`);
  const name = `recorded ${new Date(stamp.at).toISOString()} #${stamp.sequence}`;
  await mkdir(casesDir, { recursive: true });
  // The temporary name does not end in .json, so a run listing the folder meanwhile never picks it up.
  const temp = join(casesDir, `.${base}.${process.pid}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify({ name, payload: value }, null, 2)}\n`, { flag: "wx" });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { file, name, removed };
}
