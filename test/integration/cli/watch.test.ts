// Watch mode with the real watcher, real files in a temp dir and real runs (cxda test's own): every kind of save is
// seen once, helpers outside the folder count, editors' temp files do not, and f reruns only the failed cases.
import { cp, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { addTestOptions, runTestCommand, type TestFlags } from "../../../src/cli/commands/test.js";
import type { Terminal } from "../../../src/cli/terminal.js";
import { watchActions } from "../../../src/cli/watch.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../../helpers/temp-project.js";

/** A transform of the example's shape whose customerId comes from a helper outside the action folder. */
function transformUsing(helper: string, extra = ""): string {
  return `import { label } from "${helper}";
${extra}
export default function transform(trigger: { timestamp: string }) {
  return { recordId: "rec-1", customerId: label(), issueCategory: "billing", priority: "high", resolutionScore: 1, processedAt: trigger.timestamp };
}
`;
}

const helperSaying = (value: string): string => `export function label(): string {\n  return ${JSON.stringify(value)};\n}\n`;

/** A case expecting the helper to say `value`. */
const expecting = (name: string, value: string): Record<string, unknown> => ({ name, expect: { match: { customerId: value } } });

/** cxda test's flags as the command line gives them when none is passed. */
function defaultFlags(): TestFlags {
  const command = addTestOptions(new Command()).exitOverride();
  command.parse([], { from: "user" });
  return command.opts<TestFlags>();
}

interface Watching {
  readonly text: string;
  /** Resolves once `pattern` (multiline) has matched `times` times; rejects, with the output, after 20 s without. */
  seen(pattern: RegExp, times?: number): Promise<void>;
  count(pattern: RegExp): number;
  keys: PassThrough;
  /** Settles when the watch ends on its own (q). */
  ended: Promise<void>;
  stop(): Promise<void>;
}

/** Starts `watchActions` on `dirs` as `cxda test --watch` does, printing into a buffer the test waits on. */
async function startWatch(project: TempProject, dirs: string[], given: Partial<TestFlags> = {}, untilWatching = true): Promise<Watching> {
  let text = "";
  const waits = new Set<() => void>();
  const print = (line = ""): void => {
    text += `${line}\n`;
    for (const check of [...waits]) check();
  };
  const terminal: Terminal = { out: print, err: print, color: false };
  const flags = { ...defaultFlags(), ...given };
  const controller = new AbortController();
  const keys = new PassThrough();
  const count = (pattern: RegExp): number => text.match(new RegExp(pattern.source, "gm"))?.length ?? 0;
  const watching = watchActions({
    paths: dirs,
    terminal,
    signal: controller.signal,
    keys,
    run: ({ dirs: ran, runOptions, reporters, signal }) =>
      runTestCommand(ran, flags, terminal, { ...runOptions, actions: ran, buildDir: join(project.root, ".cxda", "build") }, { reporters, signal }),
  });
  const handle: Watching = {
    get text() {
      return text;
    },
    keys,
    count,
    ended: watching,
    seen: (pattern, times = 1) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (count(pattern) < times) return;
          waits.delete(check);
          clearTimeout(guard);
          resolve();
        };
        // Fires only when the test is failing anyway: says what was missing and what was printed.
        const guard = setTimeout(() => {
          waits.delete(check);
          reject(new Error(`${String(pattern)} not seen ${times} time(s) within 20 s; output:\n${text}`));
        }, 20_000);
        waits.add(check);
        check();
      }),
    async stop() {
      controller.abort();
      await watching;
    },
  };
  if (untilWatching) await handle.seen(/^watching /m);
  return handle;
}

/** Replaces `file` the way vim, JetBrains and `sed -i` save: a temp file beside it, renamed over it. */
async function saveAtomically(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

describe("watchActions", () => {
  let project: TempProject | undefined;
  let watch: Watching | undefined;
  afterEach(async () => {
    await watch?.stop();
    watch = undefined;
    await project?.remove();
  });

  /** An action whose transform takes customerId from ../shared/helper.ts, and a case expecting "one". */
  async function helperAction(): Promise<{ dir: string; shared: string }> {
    project = await createTempProject();
    const shared = join(project.root, "shared");
    await mkdir(shared);
    await writeFile(join(shared, "helper.ts"), helperSaying("one"));
    const dir = await project.addAction("billing", {
      definition: await exampleDefinition(),
      transform: transformUsing("../shared/helper"),
      trigger: JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Record<string, unknown>,
      cases: { "a.json": expecting("says one", "one") },
    });
    return { dir, shared };
  }

  /**
   * Ends a sequence with a change of its own (a new case file) and waits for its run: any rerun that the changes
   * before it caused twice would show in the counts, as one more run than expected.
   */
  async function sentinel(dir: string, runsBefore: number): Promise<void> {
    await writeFile(join(dir, "cases", "sentinel.json"), JSON.stringify(expecting("sentinel", "one")));
    await watch!.seen(/^✓ .*sentinel/m);
    await watch!.seen(/^watching /m, runsBefore + 1);
    expect(watch!.count(/^watching /m)).toBe(runsBefore + 1);
    // Named alone: whatever came before it was either a run of its own or nothing.
    expect(
      watch!.text
        .split("\n")
        .filter((line) => line.startsWith("changed: "))
        .at(-1),
    ).toMatch(/^changed: \S*cases\/sentinel\.json$/);
  }

  it("reruns once for each of three saves of the transform: an atomic rename, an in-place write, another atomic rename", async () => {
    const { dir } = await helperAction();
    watch = await startWatch(project!, [dir]);
    const transform = join(dir, "transform.ts");
    const saves = [
      () => saveAtomically(transform, transformUsing("../shared/helper", "// save 1")),
      () => writeFile(transform, transformUsing("../shared/helper", "// save 2")),
      () => saveAtomically(transform, transformUsing("../shared/helper", "// save 3")),
    ];
    for (const [index, save] of saves.entries()) {
      await save();
      await watch.seen(/^watching /m, index + 2);
    }
    const changed = watch.text.split("\n").filter((line) => line.startsWith("changed: "));
    expect(changed).toHaveLength(3);
    // One line per save, naming the transform alone: the temp file it was saved through is not a change.
    for (const line of changed) expect(line).toMatch(/^changed: \S*billing\/transform\.ts$/);
    await sentinel(dir, 4);
  });

  it("reruns when a helper outside the action folder changes, and watches a helper the transform starts importing", async () => {
    const { dir, shared } = await helperAction();
    watch = await startWatch(project!, [dir]);
    await saveAtomically(join(shared, "helper.ts"), helperSaying("two"));
    await watch.seen(/^changed: \S*shared\/helper\.ts$/m);
    await watch.seen(/^0 passed, 1 failed$/m);

    // A new import: after the run that bundled it, the new helper is watched too.
    await writeFile(join(shared, "other.ts"), helperSaying("one"));
    await writeFile(join(dir, "transform.ts"), transformUsing("../shared/other"));
    await watch.seen(/^1 passed, 0 failed$/m, 2);
    const runs = watch.count(/^watching /m);
    await writeFile(join(shared, "other.ts"), helperSaying("three"));
    await watch.seen(/^changed: \S*shared\/other\.ts$/m);
    await watch.seen(/^watching /m, runs + 1);
    expect(watch.text).toMatch(/^0 passed, 1 failed$/m);
  });

  it("runs a new case file, and stops running a deleted one", async () => {
    const { dir } = await helperAction();
    watch = await startWatch(project!, [dir]);
    await writeFile(join(dir, "cases", "b.json"), JSON.stringify(expecting("the new case", "one")));
    await watch.seen(/^✓ .*the new case/m);
    await watch.seen(/^2 passed, 0 failed$/m);

    await rm(join(dir, "cases", "b.json"));
    await watch.seen(/^changed: \S*cases\/b\.json$/m);
    await watch.seen(/^watching /m, 3);
    // The last run ran the one case left.
    expect(
      watch.text
        .split("\n")
        .filter((line) => /^\d+ passed/.test(line))
        .at(-1),
    ).toBe("1 passed, 0 failed");
    expect(watch.count(/the new case/)).toBe(1);
  });

  it("collapses a burst of saves into one rerun naming the files once", async () => {
    const { dir } = await helperAction();
    watch = await startWatch(project!, [dir]);
    const transform = join(dir, "transform.ts");
    // Written back to back, as a formatter or `git checkout` does: well within the watch's quiet time.
    for (let i = 0; i < 5; i++) await writeFile(transform, transformUsing("../shared/helper", `// burst ${i}`));
    await writeFile(join(dir, "cases", "a.json"), JSON.stringify(expecting("says one", "one"), null, 4));
    await watch.seen(/^watching /m, 2);
    expect(watch.text).toMatch(/^changed: \S*billing\/transform\.ts, \S*billing\/cases\/a\.json$/m);
    await sentinel(dir, 2);
  });

  it("ignores editors' temp files, but counts a save made through one", async () => {
    const { dir } = await helperAction();
    watch = await startWatch(project!, [dir]);
    for (const name of ["4913", ".transform.ts.swp", ".#transform.ts", "scratch.tmp", "transform.ts___jb_tmp___"])
      await writeFile(join(dir, name), "x");
    await rm(join(dir, "4913"));
    // vim's save with a backup: the file moved to transform.ts~, a new one written in its place.
    const transform = join(dir, "transform.ts");
    await rename(transform, `${transform}~`);
    await writeFile(transform, transformUsing("../shared/helper", "// saved by vim"));
    await watch.seen(/^watching /m, 2);
    expect(watch.text).toMatch(/^changed: \S*billing\/transform\.ts$/m);
    await sentinel(dir, 2);
  });

  it("f reruns only the cases that failed in the last run, a reruns all, q ends the watch", async () => {
    const { dir } = await helperAction();
    await writeFile(join(dir, "cases", "b.json"), JSON.stringify([expecting("fails", "nobody"), expecting("passes too", "one")]));
    watch = await startWatch(project!, [dir]);
    expect(watch.text).toMatch(/^2 passed, 1 failed$/m);

    watch.keys.write("f");
    await watch.seen(/^rerunning 1 failed case$/m);
    await watch.seen(/^watching /m, 2);
    const rerun = watch.text.slice(watch.text.indexOf("rerunning 1 failed case"));
    expect(rerun).toMatch(/^✗ .*fails/m);
    expect(rerun).not.toMatch(/says one|passes too/);
    expect(rerun).toMatch(/^0 passed, 1 failed$/m);

    watch.keys.write("a");
    await watch.seen(/^watching /m, 3);
    expect(
      watch.text
        .split("\n")
        .filter((line) => /^\d+ passed/.test(line))
        .at(-1),
    ).toBe("2 passed, 1 failed");

    watch.keys.write("q");
    await watch.ended;
    watch = undefined;
  });
  it("q during a run stops it at its next result, not after every looping case has run to its timeout (regression)", async () => {
    project = await createTempProject();
    const names = ["one", "two", "three", "four", "five", "six"];
    const dir = await project.addAction("loops", {
      definition: await exampleDefinition(),
      transform: "export default function transform() {\n  for (;;) {}\n}\n",
      cases: { "a.json": names.map((name) => ({ name })) },
    });
    watch = await startWatch(project, [dir], { timeout: 500 }, false);
    await watch.seen(/^! .*one/m);
    watch.keys.write("q");
    await watch.ended;
    // Six cases of 500 ms each would have printed six; the run stops at the result after q.
    expect(watch.count(/^! /m)).toBeLessThan(names.length);
    watch = undefined;
  });

  it("does not rerun for ever when each run writes a report into the action folder (a JUnit file, regression)", async () => {
    const { dir } = await helperAction();
    // Before: each run's junit.xml was a change of the folder, so it ran again, and wrote it again.
    watch = await startWatch(project!, [dir], { reporter: ["default", "junit"], outputFile: [`junit=${join(dir, "junit.xml")}`] });
    await sentinel(dir, 1);
  });

  it("reruns when a helper imported before it was written appears, in a folder that did not exist either (regression)", async () => {
    const { dir, shared } = await helperAction();
    await writeFile(join(dir, "transform.ts"), transformUsing("../lib/deep/helper"));
    watch = await startWatch(project!, [dir]);
    expect(watch.text).toMatch(/does not compile/);
    // Before: only the files esbuild had read were watched, so the new helper went unseen until the transform was saved.
    // Made right after the run: chokidar 4 says it is ready before it watches a missing path's folder, which the watch
    // must wait for.
    await mkdir(join(project!.root, "lib", "deep"), { recursive: true });
    await watch.seen(/^watching /m, 2);
    await writeFile(join(project!.root, "lib", "deep", "helper.ts"), helperSaying("one"));
    await watch.seen(/^changed: .*lib\/deep\/helper\.ts/m);
    await watch.seen(/^1 passed, 0 failed$/m);
    expect(shared).toBeDefined();
  });

  it("keeps watching an action folder that goes and comes back (a branch checked out without it, then back) (regression)", async () => {
    const { dir } = await helperAction();
    watch = await startWatch(project!, [dir]);
    const away = `${dir}-away`;
    await rename(dir, away);
    await watch.seen(/^\S*billing is gone; watching for it to come back$/m);
    await rename(away, dir);
    await watch.seen(/^action folder added: \S*billing$/m);
    await watch.seen(/^1 passed, 0 failed$/m, 2);
    // Before: the folder's watch died with it, and no later save was seen.
    await writeFile(join(dir, "cases", "a.json"), JSON.stringify(expecting("says one still", "one")));
    await watch.seen(/^✓ .*says one still/m);
  });

  it("runs an action folder created in a watched folder of actions, and stops running one that is removed", async () => {
    const { dir } = await helperAction();
    watch = await startWatch(project!, [project!.root]);
    expect(watch.text).toMatch(/^watching 1 action /m);
    const copy = join(project!.root, "second");
    await cp(dir, copy, { recursive: true });
    await watch.seen(/^action folder added: \S*second$/m);
    await watch.seen(/^watching 2 actions /m);
    await rm(copy, { recursive: true });
    await watch.seen(/^action folder gone: \S*second$/m);
    await watch.seen(/^watching 1 action /m, 2);
    await sentinel(dir, watch.count(/^watching /m));
  });
});
