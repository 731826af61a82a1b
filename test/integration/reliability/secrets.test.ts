// No secret in what the real CLI prints with --debug on failing pulls and runs, and no token written to disk.
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../../src/emulator/emulator.js";
import { cxda, type CliRun } from "../../helpers/run-cli.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

const ACTION_ID = "da-test-12345";
// Characters that change under URL, form and base64 encoding, so each encoded form is a different string to find.
const CLIENT_ID = "cxda-client";
const CLIENT_SECRET = "cs+odd/chars=&é 1234";
const ACCESS_KEY_SECRET = "ak secret+plus/slash=9";
const WRONG_SECRET = "wrong+secret/value=42";

/** Every form in which a secret could show up: raw, URL-encoded, form-encoded, and inside HTTP Basic credentials. */
function forms(secret: string): string[] {
  const basic = (id: string): string => Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64");
  return [secret, encodeURIComponent(secret), new URLSearchParams([["", secret]]).toString().slice(1), basic(CLIENT_ID)];
}

/** Files under `dir`, recursively, with their text. */
async function filesUnder(dir: string): Promise<Array<{ file: string; text: string }>> {
  const out: Array<{ file: string; text: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out.push({ file, text: await readFile(file, "utf8") });
  }
  return out;
}

describe("secrets with --debug", () => {
  let emulator: Emulator;
  let temp: TempDir;
  const runs: Array<{ label: string; run: CliRun }> = [];
  let home: string;

  /** Runs the CLI with HOME and TMPDIR inside the temp folder, so anything it persists can be found afterwards. */
  const run = async (label: string, args: string[], env: Record<string, string>, cwd = temp.dir): Promise<CliRun> => {
    const result = await cxda([...args, "--debug"], { cwd, env: { ...env, HOME: home, TMPDIR: join(home, "tmp") } });
    runs.push({ label, run: result });
    return result;
  };

  beforeAll(async () => {
    temp = await createTempDir();
    home = join(temp.dir, "home");
    await mkdir(join(home, "tmp"), { recursive: true });
    const definition = JSON.parse(await readFile(join(EXAMPLE_DIR, "definition.json"), "utf8")) as Record<string, unknown>;
    emulator = await startEmulator({
      definitions: { [ACTION_ID]: definition },
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
      accessKeys: [{ accessKeyId: "ak-id", accessKeySecret: ACCESS_KEY_SECRET }],
    });
    // A project whose action has no definition.json: `cxda test` has to pull it.
    const action = join(temp.dir, "project", ACTION_ID);
    await mkdir(join(action, "cases"), { recursive: true });
    await writeFile(join(action, "transform.ts"), await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8"));
    await writeFile(join(action, "cases", "one.json"), JSON.stringify({ name: "one" }));
  });
  afterAll(async () => {
    await emulator.close();
    await temp.remove();
  });

  it("client credentials refused, access key refused, tokens refused, a body quoting the secret, a config error: each fails clearly", async () => {
    const cc = emulator.env;
    const ak = emulator.accessKeyEnv;
    expect((await run("pull: wrong client secret", ["pull", ACTION_ID], { ...cc, CXONE_CLIENT_SECRET: WRONG_SECRET })).stderr).toMatch(
      /E_AUTH .*client credentials were refused/,
    );
    expect(
      (await run("pull --json: wrong access key secret", ["pull", ACTION_ID, "--json"], { ...ak, CXONE_ACCESS_KEY_SECRET: WRONG_SECRET })).stdout,
    ).toMatch(/"code": "E_AUTH"/);

    emulator.setFaults([{ route: "get-data-action", status: 401 }]);
    expect((await run("pull: token refused twice (client credentials)", ["pull", ACTION_ID], cc)).stderr).toMatch(/E_AUTH .*refused the token/);
    expect((await run("pull: token refused twice (access key)", ["pull", ACTION_ID], ak)).stderr).toMatch(/E_AUTH .*refused the token/);
    expect((await run("test --json: pull refused while loading the definition", ["test", "project", "--json"], cc)).stdout).toMatch(
      /"code": "E_AUTH"/,
    );

    // Token endpoints whose error text quotes what they received: the form-encoded secret, the Basic credentials.
    const formEncoded = new URLSearchParams([["", CLIENT_SECRET]]).toString().slice(1);
    emulator.setFaults([{ route: "token", status: 400, body: { error: "invalid_request", error_description: `got client_secret=${formEncoded}` } }]);
    expect((await run("pull: error body quoting the form", ["pull", ACTION_ID], cc)).stderr).toMatch(/got client_secret=\[redacted\]/);
    emulator.setFaults([
      {
        route: "auth-token",
        status: 400,
        body: { error: "invalid_request", error_description: `got authorization=Basic ${forms(CLIENT_SECRET)[3] ?? ""}` },
      },
    ]);
    const quotedBasic = await run("test: error body quoting the Basic header", ["test", "project"], ak);
    emulator.clearFaults();
    // cxda test's own failure-line redaction reshapes the text around it; what matters here is that the value is gone.
    expect(quotedBasic.stdout).toMatch(/E_AUTH .*got authorization=.*\[redacted\]/);

    // Thrown to the top level, where --debug prints the stack.
    const { CXONE_CLIENT_ID: _id, ...withoutId } = cc;
    const config = await run("pull: configuration error", ["pull", ACTION_ID], withoutId);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/E_CONFIG[\s\S]*\n\s+at /);

    // A port nothing listens on any more.
    const gone = await startEmulator();
    await gone.close();
    const unreachable = { ...cc, CXONE_API_URL: gone.apiUrl, CXONE_TOKEN_URL: gone.tokenUrl };
    expect((await run("pull: platform unreachable", ["pull", ACTION_ID], unreachable)).stderr).toMatch(/E_NETWORK .*connection refused/);
    expect(runs.filter(({ run: r }) => r.code === 0)).toEqual([]);
  });

  it("a successful pull in each mode, and then: no secret, no token and no Authorization value in anything printed", async () => {
    expect((await run("pull: client credentials", ["pull", ACTION_ID], emulator.env)).code).toBe(0);
    expect(
      (await run("pull --force --json: access key (refresh token issued)", ["pull", ACTION_ID, "--force", "--json"], emulator.accessKeyEnv)).code,
    ).toBe(0);
    const forbidden = [...forms(CLIENT_SECRET), ...forms(ACCESS_KEY_SECRET), ...forms(WRONG_SECRET), "emu_at_", "emu_rt_", "Bearer ", "Basic Y"];
    for (const { label, run: result } of runs) {
      const printed = `${result.stdout}\n${result.stderr}`;
      expect({ label, found: forbidden.filter((value) => printed.includes(value)) }).toEqual({ label, found: [] });
    }
  });

  it("persists no token anywhere: not in the cache, the project, HOME or TMPDIR (there is no token cache to protect with 0600)", async () => {
    const written = [...(await filesUnder(temp.dir))];
    expect(written.map((f) => f.file)).toContain(join(temp.dir, ".cxda", "cache", `${ACTION_ID}.json`));
    const leaks = written.filter(
      ({ text }) => /emu_(at|rt)_/.test(text) || [CLIENT_SECRET, ACCESS_KEY_SECRET].some((secret) => text.includes(secret)),
    );
    expect(leaks.map((f) => f.file)).toEqual([]);
    // The definitions cache holds no credential, so it keeps the ordinary mode; only a token cache would need 0600.
    expect((await stat(join(temp.dir, ".cxda", "cache", `${ACTION_ID}.json`))).isFile()).toBe(true);
  });
});
