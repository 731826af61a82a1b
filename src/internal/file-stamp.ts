// What a file looks like from outside (times, size, inode), to know cheaply whether anything read earlier has changed.
import { readdir, stat } from "node:fs/promises";

/**
 * What changes when a file is written, replaced or removed: its times, size and inode ("missing" when absent). A
 * folder counts by the names of the files in it (a new `helper.ts` beside `helper.js` changes what `./helper` means),
 * not by its subfolders: fixtures, recordings and reports written below it are not a change.
 */
async function factsOf(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return "missing";
  if (!info.isDirectory()) return `${info.mtimeMs}:${info.ctimeMs}:${info.size}:${info.ino}`;
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return `folder:${entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .join("/")}`;
}

/**
 * Each path with its {@link factsOf}: compare two stamps to know whether anything a load read has changed since.
 * @example
 * const before = await stampFiles(["actions/a/definition.json"]);
 */
export async function stampFiles(paths: Iterable<string>): Promise<Map<string, string>> {
  const list = [...paths];
  const facts = await Promise.all(list.map(factsOf));
  return new Map(list.map((path, index) => [path, facts[index]!]));
}
