// A cheap fingerprint of an action folder from its files' metadata (no file is read): it changes when any file is written, added, removed or replaced.
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";

/** Folders deeper than this are not looked into (an action folder is a few files; a link loop must not hang a request). */
const MAX_DEPTH = 8;

/**
 * The folder's files, each with its modification and change times, size and inode, as one string. Entries named by
 * `skip` (absolute paths) and, at any depth, hidden entries and `node_modules` are left out; so is the folder's own
 * `cases/`, where the listener may be recording. Symbolic links are followed to what they point at, not into it.
 * @example
 * const before = await folderStamp("actions/billing-callback");
 * // … an editor saves transform.ts …
 * (await folderStamp("actions/billing-callback")) !== before; // true
 */
export async function folderStamp(dir: string, skip: ReadonlySet<string> = new Set()): Promise<string> {
  const lines: string[] = [];
  const visit = async (folder: string, depth: number): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries.map(async (entry) => {
        const path = join(folder, entry.name);
        if (entry.name.startsWith(".") || entry.name === "node_modules" || skip.has(path)) return;
        if (depth === 0 && entry.name === "cases" && entry.isDirectory()) return;
        if (entry.isDirectory()) {
          if (depth < MAX_DEPTH) await visit(path, depth + 1);
          return;
        }
        const info = await stat(path).catch(() => undefined);
        const facts = info === undefined ? "missing" : `${info.mtimeMs}:${info.ctimeMs}:${info.size}:${info.ino}`;
        lines.push(`${relative(dir, path)}\t${facts}`);
      }),
    );
  };
  await visit(dir, 0);
  return lines.sort().join("\n");
}
