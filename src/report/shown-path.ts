// A path as the closing lines of a run show it: relative to the working folder when it is inside it.
import { relative } from "node:path";

/** `reports/junit.xml` for a file under the working folder, the absolute path otherwise. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}
