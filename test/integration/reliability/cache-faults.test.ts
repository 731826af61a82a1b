// The definitions cache under faults: truncated files, folders that cannot be written, and two `cxda pull` processes racing on one id.
import { execFile } from "node:child_process";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiClient } from "../../../src/client/api-client.js";
import { createDefinitionsCache, definitionIntegrity } from "../../../src/definitions/definitions-cache.js";
import { pullDefinition } from "../../../src/definitions/resolve-definition.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { CLI, cxda } from "../../helpers/run-cli.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

const ACTION_ID = "da-test-12345";

let emulator: Emulator;
let temp: TempDir;
let definition: Record<string, unknown>;
beforeEach(async () => {
  temp = await createTempDir();
  definition = JSON.parse(await readFile(join(EXAMPLE_DIR, "definition.json"), "utf8")) as Record<string, unknown>;
  emulator = await startEmulator({ definitions: { [ACTION_ID]: definition } });
});
afterEach(async () => {
  await emulator.close();
  await temp.remove();
});

const client = (): ReturnType<typeof createApiClient> => createApiClient({ env: emulator.env, envFile: false });

describe("a truncated cache file", () => {
  it("cut at any byte, is never half-read: each prefix is reported corrupt (only the final newline may go)", async () => {
    const cache = createDefinitionsCache({ cwd: temp.dir });
    await pullDefinition(ACTION_ID, { client: client(), cache });
    const file = cache.fileFor(ACTION_ID);
    const whole = await readFile(file, "utf8");
    const seen = new Map<string, number>();
    // Every length near both ends (where JSON is most nearly complete), and every seventh in between.
    const lengths = Array.from({ length: whole.length }, (_, i) => i).filter((i) => i < 64 || i > whole.length - 64 || i % 7 === 0);
    for (const length of lengths) {
      await writeFile(file, whole.slice(0, length));
      const read = await cache.read(ACTION_ID);
      if (length === whole.length - 1) {
        // Only the trailing newline is missing: the JSON is complete and its integrity hash still matches.
        expect(read).toMatchObject({ status: "hit", entry: { definition } });
        continue;
      }
      expect(read.status).toBe("corrupt");
      const message = read.status === "corrupt" ? read.warning.message : "";
      const reason = /\((.*)\); ignored/.exec(message)?.[1] ?? message;
      seen.set(reason, (seen.get(reason) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(["the JSON is truncated or malformed", "the file is empty"]);
  });

  it("with a changed byte inside the definition: the integrity hash catches it", async () => {
    const cache = createDefinitionsCache({ cwd: temp.dir });
    await pullDefinition(ACTION_ID, { client: client(), cache });
    const file = cache.fileFor(ACTION_ID);
    await writeFile(file, (await readFile(file, "utf8")).replace('"Billing callback record"', '"Billing callback recorD"'));
    expect(await cache.read(ACTION_ID)).toMatchObject({
      status: "corrupt",
      warning: { message: expect.stringContaining("does not match its integrity hash") },
    });
  });

  it("through cxda pull: a warning, a fresh copy, and a whole file again", async () => {
    const cache = createDefinitionsCache({ cwd: temp.dir });
    await pullDefinition(ACTION_ID, { client: client(), cache });
    const file = cache.fileFor(ACTION_ID);
    const whole = await readFile(file, "utf8");
    await writeFile(file, whole.slice(0, whole.length >> 1));
    const run = await cxda(["pull", ACTION_ID], { cwd: temp.dir, env: emulator.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: .*da-test-12345\.json: corrupt cache file \(the JSON is truncated or malformed\); ignored, and fetched again when possible/,
    );
    expect(run.stdout).toMatch(/✓ da-test-12345 v3 .*: pulled again \(the cached copy was corrupt\)/);
    expect(await cache.read(ACTION_ID)).toMatchObject({ status: "hit", entry: { definition } });
  });
});

describe("a cache folder that cannot be written", () => {
  /**
   * chmod is the honest way to make a folder read-only, but root (which CI containers often are) writes through it.
   * This finds out which applies here: a folder chmod 555 that still takes a file means we run with root's rights.
   */
  async function chmodStopsWrites(dir: string): Promise<boolean> {
    const probe = join(dir, "probe");
    await mkdir(probe);
    await chmod(probe, 0o555);
    try {
      await writeFile(join(probe, "x"), "x");
      return false;
    } catch {
      return true;
    } finally {
      await chmod(probe, 0o755);
    }
  }

  it("read-only by permissions (or, as root, a file where the folder should be): E_CACHE naming the folder, old copy intact, no temp file", async () => {
    const cache = createDefinitionsCache({ cwd: temp.dir });
    await pullDefinition(ACTION_ID, { client: client(), cache });
    const before = await readFile(cache.fileFor(ACTION_ID), "utf8");
    emulator.setDefinition(ACTION_ID, { ...definition, version: 4 });

    if (await chmodStopsWrites(temp.dir)) {
      await chmod(cache.dir, 0o555);
      try {
        await expect(pullDefinition(ACTION_ID, { client: client(), cache })).rejects.toMatchObject({
          code: "E_CACHE",
          message: expect.stringMatching(/cannot write the cache file: permission denied \(EACCES\).*make .*\.cxda\/cache a writable folder/),
        });
      } finally {
        await chmod(cache.dir, 0o755);
      }
    } else {
      // Root: no permission stops the write, so the folder is made unusable another way. The cache folder's path is
      // a file, and a folder whose parent is a file; both fail at mkdir, before anything is written.
      await writeFile(join(temp.dir, "cache-is-a-file"), "x");
      for (const [dir, reason] of [
        ["cache-is-a-file", /a file is in the way: .*cache-is-a-file is a file, not a folder \(EEXIST\)/],
        ["cache-is-a-file/below", /a file is in the way: .*below or a folder above it is a file, not a folder \(ENOTDIR\)/],
      ] as const) {
        await expect(pullDefinition(ACTION_ID, { client: client(), cache: createDefinitionsCache({ cwd: temp.dir, dir }) })).rejects.toMatchObject({
          code: "E_CACHE",
          message: expect.stringMatching(reason),
        });
      }
    }
    expect(await readFile(cache.fileFor(ACTION_ID), "utf8")).toBe(before);
    expect(await readdir(cache.dir)).toEqual([`${ACTION_ID}.json`]);
  });

  it("the cache file is a folder: reported unreadable, then the write fails with E_CACHE and leaves no temp file", async () => {
    const cache = createDefinitionsCache({ cwd: temp.dir });
    await mkdir(cache.fileFor(ACTION_ID), { recursive: true });
    expect(await cache.read(ACTION_ID)).toMatchObject({
      status: "corrupt",
      warning: { code: "cache-unreadable", message: expect.stringContaining("(EISDIR)") },
    });
    await expect(pullDefinition(ACTION_ID, { client: client(), cache })).rejects.toMatchObject({
      code: "E_CACHE",
      message: expect.stringContaining("is a folder, not a file (EISDIR)"),
    });
    expect(await readdir(cache.dir)).toEqual([`${ACTION_ID}.json`]);
  });

  it("through cxda pull --cache-dir: exit 2 with the reason, no stack, no secret", async () => {
    await writeFile(join(temp.dir, "not-a-folder"), "x");
    const run = await cxda(["pull", ACTION_ID, "--cache-dir", "not-a-folder"], { cwd: temp.dir, env: emulator.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/✗ da-test-12345: E_CACHE .*not-a-folder is a file, not a folder \(EEXIST\); the previous copy, if any, is unchanged/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toContain(emulator.credentials.clientSecret);
  });
});

describe("two cxda pull processes writing the same id at once", () => {
  it("leave one whole version in the file at every moment, and no temp file behind", async () => {
    // Two versions big enough (about 1 MB on disk) that writing one takes a while; each GET serves the other one next.
    const versions = [1, 2].map((version) => ({
      ...definition,
      version,
      description: Array.from({ length: 20_000 }, (_, i) => `v${version} line ${i}`).join("\n"),
    }));
    let served = 0;
    const racing = await startEmulator({
      definitions: { [ACTION_ID]: versions[0] as Record<string, unknown> },
      onRequest: (entry) => {
        if (entry.route === "get-data-action") racing.setDefinition(ACTION_ID, versions[++served % 2]);
      },
    });
    try {
      const cache = createDefinitionsCache({ cwd: temp.dir });
      const file = cache.fileFor(ACTION_ID);
      const repeats = Array.from({ length: 15 }, () => ACTION_ID);
      const pull = (): Promise<number> =>
        new Promise((resolve) => {
          execFile(
            process.execPath,
            [CLI, "pull", ...repeats, "--force"],
            { cwd: temp.dir, env: { ...process.env, ...racing.env, NO_COLOR: "1" } },
            (error) => resolve(typeof error?.code === "number" ? error.code : error === null ? 0 : 1),
          );
        });
      let running = true;
      const pulls = Promise.all([pull(), pull()]).finally(() => {
        running = false;
      });

      // Read and parse the file as fast as possible while both processes write it.
      const integrities = new Set(versions.map((v) => definitionIntegrity(v)));
      let parsed = 0;
      let missing = 0;
      const problems: string[] = [];
      while (running) {
        let text: string;
        try {
          text = await readFile(file, "utf8");
        } catch {
          missing++;
          continue;
        }
        try {
          const entry = JSON.parse(text) as { integrity: string; definition: unknown };
          if (!integrities.has(entry.integrity) || definitionIntegrity(entry.definition) !== entry.integrity)
            problems.push("a mixed or unknown version");
          parsed++;
        } catch (error) {
          problems.push(`unparsable after ${parsed} reads (${text.length} characters): ${String(error)}`);
        }
      }
      expect(await pulls).toEqual([0, 0]);
      expect(problems).toEqual([]);
      expect(parsed).toBeGreaterThan(20);
      expect(racing.requests.filter((r) => r.route === "get-data-action")).toHaveLength(30);
      expect(await readdir(cache.dir)).toEqual([`${ACTION_ID}.json`]);
      expect(await cache.read(ACTION_ID)).toMatchObject({ status: "hit" });
      // Before the first rename lands there is no file; after it there always is one.
      expect(missing).toBeLessThan(parsed + missing);
    } finally {
      await racing.close();
    }
  });
});
