// Pull, cache and resolve against the real emulator: ETag revalidation, offline use, corrupt files and crash safety.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDefinitionsCache } from "../../../src/definitions/definitions-cache.js";
import { pullDefinition, resolveDefinition } from "../../../src/definitions/resolve-definition.js";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { ACTION_ID, clientFor, referenceDefinition, tempDir } from "./helpers.js";

let emulator: Emulator;
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove: cleanup } = await tempDir());
  emulator = await startEmulator({ definitions: { [ACTION_ID]: await referenceDefinition() } });
});
afterEach(async () => {
  await emulator.close();
  await cleanup();
});

describe("pullDefinition", () => {
  it("writes the definition with its version and ETag, then revalidates with If-None-Match", async () => {
    const cache = createDefinitionsCache({ cwd: dir });
    const client = clientFor(emulator);
    const first = await pullDefinition(ACTION_ID, { client, cache });
    expect(first).toMatchObject({ status: "fetched", entry: { id: ACTION_ID, version: 3, etag: expect.stringMatching(/^"/) } });
    expect(first.definition).toMatchObject({ id: ACTION_ID, name: "Billing callback record", meta: { shape: "schema.input/output" } });
    const onDisk = JSON.parse(await readFile(join(dir, ".cxda/cache", `${ACTION_ID}.json`), "utf8")) as Record<string, unknown>;
    expect(onDisk).toMatchObject({ id: ACTION_ID, version: 3, etag: first.entry.etag, definition: { id: ACTION_ID } });

    const second = await pullDefinition(ACTION_ID, { client, cache });
    expect(second.status).toBe("not-modified");
    expect(emulator.requests.filter((r) => r.route === "get-data-action").map((r) => r.status)).toEqual([200, 304]);

    emulator.setDefinition(ACTION_ID, { ...(await referenceDefinition()), version: 4 });
    const third = await pullDefinition(ACTION_ID, { client, cache });
    expect(third).toMatchObject({ status: "updated", entry: { version: 4 } });
  });

  it("leaves the cached copy intact when a write crashes between write and rename", async () => {
    const client = clientFor(emulator);
    await pullDefinition(ACTION_ID, { client, cache: createDefinitionsCache({ cwd: dir }) });
    const file = join(dir, ".cxda/cache", `${ACTION_ID}.json`);
    const before = await readFile(file, "utf8");
    emulator.setDefinition(ACTION_ID, { ...(await referenceDefinition()), version: 4 });
    const crashing = createDefinitionsCache({
      cwd: dir,
      fs: {
        rename: () => Promise.reject(Object.assign(new Error("simulated crash"), { code: "EIO" })),
      },
    });
    await expect(pullDefinition(ACTION_ID, { client, cache: crashing })).rejects.toMatchObject({ code: "E_CACHE" });
    expect(await readFile(file, "utf8")).toBe(before);
    expect(await readdir(join(dir, ".cxda/cache"))).toEqual([`${ACTION_ID}.json`]);
  });

  it("does not cache a definition it cannot normalise", async () => {
    emulator.setDefinition("da-broken", { id: "da-broken", name: "no schemas here" });
    const cache = createDefinitionsCache({ cwd: dir });
    await expect(pullDefinition("da-broken", { client: clientFor(emulator), cache })).rejects.toMatchObject({ code: "E_DEFINITION" });
    expect(await cache.read("da-broken")).toMatchObject({ status: "miss" });
  });
});

describe("a pulled definition whose id is not the id requested", () => {
  it("is an E_HTTP error naming both ids and the URL, and nothing is written to the cache", async () => {
    emulator.setDefinition("da-requested", { ...(await referenceDefinition()), id: "da-someone-else" });
    const cache = createDefinitionsCache({ cwd: dir });
    const error = await pullDefinition("da-requested", { client: clientFor(emulator), cache }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "CxdaError",
      code: "E_HTTP",
      message: expect.stringMatching(
        /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/data-actions\/da-requested: the platform answered with data action "da-someone-else", not the "da-requested" requested; nothing was written to the cache\. Check the id/,
      ),
      context: { requestedId: "da-requested", returnedId: "da-someone-else", url: expect.stringContaining("/data-actions/da-requested") },
    });
    expect(await cache.read("da-requested")).toMatchObject({ status: "miss" });
    expect(await cache.read("da-someone-else")).toMatchObject({ status: "miss" });
  });

  it("is refused through resolveDefinition too, so no run uses it", async () => {
    emulator.setDefinition("da-requested", { ...(await referenceDefinition()), id: "da-someone-else" });
    await expect(resolveDefinition({ id: "da-requested", cache: { cwd: dir }, client: clientFor(emulator) })).rejects.toMatchObject({
      code: "E_HTTP",
    });
    await expect(readdir(join(dir, ".cxda/cache")).catch(() => [])).resolves.toEqual([]);
  });
});

describe("resolveDefinition", () => {
  it("uses the action folder's definition.json first", async () => {
    const actionDir = join(dir, "actions", ACTION_ID);
    await mkdir(actionDir, { recursive: true });
    await writeFile(join(actionDir, "definition.json"), JSON.stringify(await referenceDefinition()));
    const resolved = await resolveDefinition({ actionDir, cache: { cwd: dir }, client: clientFor(emulator) });
    expect(resolved).toMatchObject({ source: "file", file: join(actionDir, "definition.json"), definition: { id: ACTION_ID } });
    expect(emulator.requests).toEqual([]);
  });

  it("pulls when there is no file and no cache, then works offline with the emulator stopped", async () => {
    const actionDir = join(dir, "actions", ACTION_ID);
    await mkdir(actionDir, { recursive: true });
    const pulled = await resolveDefinition({ actionDir, cache: { cwd: dir }, platform: { env: emulator.env, envFile: false } });
    expect(pulled).toMatchObject({ source: "pull", pullStatus: "fetched", definition: { id: ACTION_ID, version: 3 } });

    await emulator.close();
    const offline = await resolveDefinition({ actionDir, cache: { cwd: dir }, platform: { env: emulator.env, envFile: false } });
    expect(offline).toMatchObject({ source: "cache", definition: { id: ACTION_ID, version: 3 }, cacheEntry: { version: 3 } });
    expect(offline.definition.outputSchema).toEqual(pulled.definition.outputSchema);
  });

  it("reports a corrupt cache file and pulls a fresh copy instead of using it", async () => {
    const cache = createDefinitionsCache({ cwd: dir });
    await pullDefinition(ACTION_ID, { client: clientFor(emulator), cache });
    const file = cache.fileFor(ACTION_ID);
    const text = await readFile(file, "utf8");
    await writeFile(file, text.slice(0, text.length - 40));

    const resolved = await resolveDefinition({ id: ACTION_ID, cache, client: clientFor(emulator) });
    expect(resolved).toMatchObject({ source: "pull", pullStatus: "refetched" });
    expect(resolved.warnings).toEqual([expect.objectContaining({ code: "cache-corrupt", file })]);
    // The full request went out without If-None-Match, and the file is whole again.
    expect(emulator.requests.filter((r) => r.route === "get-data-action").map((r) => r.status)).toEqual([200, 200]);
    expect(await cache.read(ACTION_ID)).toMatchObject({ status: "hit" });
  });

  it("says how to get a definition when there is none and no credentials", async () => {
    await expect(resolveDefinition({ id: ACTION_ID, cache: { cwd: dir }, platform: { env: {}, envFile: false } })).rejects.toMatchObject({
      code: "E_DEFINITION",
      message: expect.stringMatching(/no platform credentials.*CXONE_CLIENT_ID.*cxda pull da-test-12345/),
    });
  });

  it("refuses an id that would escape the cache folder", async () => {
    await expect(resolveDefinition({ id: "../../etc/passwd", cache: { cwd: dir } })).rejects.toMatchObject({ code: "E_USAGE" });
  });
});
