// Writes a report file, making its folder first.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Writes `text` to `file`, creating the folders above it. */
export async function writeReportFile(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}
