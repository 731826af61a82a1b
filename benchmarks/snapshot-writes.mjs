// Snapshot writes (`cxda test -u`): the time to write every case of one case file, for files of 100 to 10,000 cases,
// to show it grows with the file (jsonc-parser's edits applied to the whole text made 1,000 cases take 27 s).
// Runs the built package: `npm run build` first. Usage: node benchmarks/snapshot-writes.mjs [largest]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { updateCaseFile } from "../dist/cases/update-snapshots.js";

const largest = Number(process.argv[2] ?? 10000);
const folder = await mkdtemp(join(tmpdir(), "cxda-snapshot-bench-"));
try {
  for (let count = 100; count <= largest; count *= 10) {
    const cases = Array.from({ length: count }, (_, i) => ({
      name: `case ${i}`,
      set: { "contact.attributes.tier": "standard" },
      expect: { output: { priority: "low", i } },
    }));
    const text = `${JSON.stringify(cases, null, 2)}\n`;
    const file = join(folder, `cases-${count}.json`);
    await writeFile(file, text);
    const edits = cases.map((c, index) => ({ index, name: c.name, output: { recordId: `rec-${index}`, priority: "high", score: index } }));
    const started = performance.now();
    await updateCaseFile(file, edits, text);
    const ms = performance.now() - started;
    console.log(`${count} cases (${Math.round(text.length / 1024)} KB): ${Math.round(ms)} ms, ${Math.round((ms * 1000) / count)} µs per case`);
  }
} finally {
  await rm(folder, { recursive: true, force: true });
}
