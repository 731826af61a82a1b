// `--platform genesys` as a user runs it: the built CLI pulls a Genesys action (and its draft) from the emulator on
// loopback, with GENESYSCLOUD_* variables, by flag or by the config's `platform`.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/emulator.js";
import { GENESYS_ID, genesysExport } from "../integration/platform/helpers.js";
import { cxda } from "../helpers/run-cli.js";
import { createTempProject, type TempProject } from "../helpers/temp-project.js";

let emulator: Emulator;
let project: TempProject;
beforeAll(async () => {
  emulator = await startEmulator({ definitions: { [GENESYS_ID]: genesysExport() } });
  project = await createTempProject();
});
afterAll(async () => {
  await emulator.close();
  await project.remove();
});

/** The emulator's Genesys variables, and none of the CXone ones this process may have. */
const genesysEnv = (): Record<string, string> => ({ ...emulator.genesysEnv, CXONE_CLIENT_ID: "", CXONE_CLIENT_SECRET: "" });

describe("cxda pull --platform genesys", () => {
  it("pulls the action with its contract and config into .cxda/cache", async () => {
    const run = await cxda(["pull", "--platform", "genesys", GENESYS_ID, "--json"], { cwd: project.root, env: genesysEnv() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ pulled: [{ id: GENESYS_ID, status: "fetched", version: 1 }], errors: [] });
    const cached = JSON.parse(await readFile(join(project.root, ".cxda", "cache", `${GENESYS_ID}.json`), "utf8")) as Record<string, unknown>;
    expect(cached).toMatchObject({
      url: `${emulator.url}/api/v2/integrations/actions/${GENESYS_ID}?expand=contract&includeConfig=true`,
      definition: {
        id: GENESYS_ID,
        contract: { output: { successSchema: { type: "object" } } },
        config: { response: { translationMap: { tier: "$.tier" } } },
      },
    });
  });

  it("pulls the draft with --draft, and says so when there is none (exit 3)", async () => {
    const none = await cxda(["pull", "--platform", "genesys", "--draft", GENESYS_ID], { cwd: project.root, env: genesysEnv() });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain(`E_NOT_FOUND GET ${emulator.url}/api/v2/integrations/actions/${GENESYS_ID}/draft`);
    expect(none.stderr).toContain("no draft of the Genesys Cloud data action");

    emulator.setDefinition(`${GENESYS_ID}.draft`, { ...genesysExport(), version: 2 });
    const draft = await cxda(["pull", "--platform", "genesys", "--draft", GENESYS_ID], { cwd: project.root, env: genesysEnv() });
    expect(draft.code).toBe(0);
    expect(draft.stdout).toContain(`✓ ${GENESYS_ID} v2`);
  });

  it("takes the platform from cxda.config.json", async () => {
    const root = join(project.root, "configured");
    await project.addAction("configured", {});
    await writeFile(join(root, "cxda.config.json"), JSON.stringify({ platform: "genesys" }));
    const run = await cxda(["pull", GENESYS_ID], { cwd: root, env: genesysEnv() });
    expect(run.code).toBe(0);
    expect(emulator.requests.at(-1)).toMatchObject({ route: "genesys-get-action", status: 200 });
  });

  it("refuses an unknown platform as a usage error (exit 2), with a suggestion", async () => {
    const run = await cxda(["pull", "--platform", "genesis", GENESYS_ID], { cwd: project.root, env: genesysEnv() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--platform genesis: unknown platform (did you mean "genesys"?); use cxone or genesys');
  });

  it("names the Genesys variables when the credentials are missing, and never prints the secret", async () => {
    const missing = await cxda(["pull", "--platform", "genesys", GENESYS_ID], {
      cwd: project.root,
      env: {
        GENESYSCLOUD_API_URL: emulator.genesysEnv.GENESYSCLOUD_API_URL ?? "",
        GENESYSCLOUD_OAUTHCLIENT_ID: "",
        GENESYSCLOUD_OAUTHCLIENT_SECRET: "",
      },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("set GENESYSCLOUD_OAUTHCLIENT_ID");

    const wrong = await cxda(["pull", "--platform", "genesys", GENESYS_ID], {
      cwd: project.root,
      env: { ...genesysEnv(), GENESYSCLOUD_OAUTHCLIENT_SECRET: "not-the-secret-xyz" },
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain("E_AUTH");
    expect(wrong.stdout + wrong.stderr).not.toContain("not-the-secret-xyz");
  });

  // Regression: addRunOptions returned before adding the retry flags, so test and run had neither them nor --platform.
  it("offers --platform and the retry flags on test and run too", async () => {
    for (const command of ["test", "run"]) {
      const help = await cxda([command, "--help"]);
      expect(help.stdout).toContain("--platform <name>");
      expect(help.stdout).toContain("--retry-attempts <n>");
    }
  });
});
