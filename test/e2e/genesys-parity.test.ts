// `cxda test --parity --platform genesys` as a user runs it: the built CLI's emulator (`cxda emulator --json`) serves a
// Genesys export from a folder, its ready line gives the GENESYSCLOUD_* variables, and the built CLI runs an action's
// cases locally and through the emulator's test endpoint, which calls a loopback upstream this test starts.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cxda } from "../helpers/run-cli.js";
import { createTempProject, type TempProject } from "../helpers/temp-project.js";

const ID = "custom_-_0b8e6c1d-5a4f-4e2b-9c3d-7f1e2a3b4c5d";

/** A Genesys export that asks the upstream for a queue's waiting count. */
function queueExport(origin: string, successTemplate = '{ "waiting": ${waiting}, "queue": ${queue} }'): Record<string, unknown> {
  return {
    name: "Queue waiting count - Exported 2025-03-11 @ 16:05",
    integrationType: "purecloud-data-actions",
    actionType: "custom",
    config: {
      request: {
        requestUrlTemplate: `${origin}/queues/$esc.url(\${input.queueName})/stats`,
        requestType: "GET",
        headers: { Accept: "application/json" },
      },
      response: {
        translationMap: { waiting: "$.waiting", queue: "$.name" },
        translationMapDefaults: { waiting: "0" },
        successTemplate,
      },
    },
    contract: {
      input: { inputSchema: { type: "object", properties: { queueName: { type: "string" } }, required: ["queueName"] } },
      output: { successSchema: { type: "object", properties: { waiting: { type: "integer" }, queue: { type: "string" } } } },
    },
    secure: false,
  };
}

let upstream: Server;
let origin: string;
let upstreamStatus = 200;
let project: TempProject;
let actionDir: string;
let definitionsDir: string;
let emulator: ChildProcessWithoutNullStreams;
let genesysEnv: Record<string, string>;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    // $esc.url encodes as Java's URLEncoder does: a space is "+".
    const name = decodeURIComponent((/^\/queues\/([^/]+)\/stats$/.exec(request.url ?? "")?.[1] ?? "").replace(/\+/g, " "));
    const body = upstreamStatus === 200 ? { name, waiting: 4 } : { message: "stats are unavailable" };
    response.writeHead(upstreamStatus, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  project = await createTempProject();
  actionDir = await project.addAction(ID, {
    definition: queueExport(origin),
    cases: {
      "queues.json": [
        {
          name: "the support queue has four waiting",
          payload: { queueName: "Support EMEA" },
          upstream: { status: 200, body: { name: "Support EMEA", waiting: 4 } },
          expect: { output: { waiting: 4, queue: "Support EMEA" } },
        },
      ],
    },
  });
  definitionsDir = join(project.root, "platform");
  await mkdir(definitionsDir);
  await writeFile(join(definitionsDir, `${ID}.json`), JSON.stringify(queueExport(origin)));

  // The built CLI's emulator, until afterAll stops it; its first line says where it listens and what to set.
  emulator = spawn(process.execPath, [CLI, "emulator", "--definitions", definitionsDir, "--json", "--quiet"], {
    env: { ...process.env, NO_COLOR: "1" },
  });
  const lines = createInterface({ input: emulator.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    emulator.once("exit", (code) => reject(new Error(`cxda emulator exited (${String(code)}) before it was ready`)));
  });
  genesysEnv = (JSON.parse(first) as { genesysEnv: Record<string, string> }).genesysEnv;
});

afterAll(async () => {
  if (emulator.exitCode === null) {
    const exited = new Promise((resolve) => emulator.once("exit", resolve));
    emulator.kill("SIGTERM");
    await exited;
  }
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  await project.remove();
});

/** The Genesys variables of the running emulator, and none of the CXone ones this process may have. */
const env = (): Record<string, string> => ({ ...genesysEnv, CXONE_CLIENT_ID: "", CXONE_CLIENT_SECRET: "" });

describe("cxda test --parity --platform genesys", () => {
  it("passes when the emulator's test of the action gives what the local run gave", async () => {
    const run = await cxda(["test", actionDir, "--parity", "--platform", "genesys"], { cwd: project.root, env: env() });
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("1 passed");
    expect(run.code).toBe(0);
  });

  it("fails with E_PARITY naming the step when the platform's success template differs (exit 1)", async () => {
    await writeFile(
      join(definitionsDir, `${ID}.json`),
      JSON.stringify(queueExport(origin, '{ "waiting": ${waiting}, "queue": ${queue}, "source": "platform" }')),
    );
    try {
      const run = await cxda(["test", actionDir, "--parity", "--platform", "genesys", "--json"], { cwd: project.root, env: env() });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { results: Array<{ status: string; failures: Array<{ code: string; message: string }> }> };
      expect(report.results[0]?.status).toBe("fail");
      expect(report.results[0]?.failures).toEqual([
        expect.objectContaining({
          code: "E_PARITY",
          message: 'parity: step 4 (Resolve success template): output /source: local (missing), platform "platform"',
        }),
      ]);
    } finally {
      await writeFile(join(definitionsDir, `${ID}.json`), JSON.stringify(queueExport(origin)));
    }
  });

  it("fails as platform-failed when only the platform's upstream call fails", async () => {
    upstreamStatus = 503;
    try {
      const run = await cxda(["test", actionDir, "--parity", "--platform", "genesys"], { cwd: project.root, env: env() });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("parity: the platform's test failed at step 2 (Execute request): the upstream answered status 503");
      expect(run.stdout).toContain("the local run succeeded");
    } finally {
      upstreamStatus = 200;
    }
  });

  it("exits 3 with the platform's code when the credentials are wrong, and never prints the secret", async () => {
    const run = await cxda(["test", actionDir, "--parity", "--platform", "genesys"], {
      cwd: project.root,
      env: { ...env(), GENESYSCLOUD_OAUTHCLIENT_SECRET: "wrong-secret-4f9a" },
    });
    expect(run.code).toBe(3);
    expect(run.stdout + run.stderr).toContain("E_AUTH");
    expect(run.stdout + run.stderr).not.toContain("wrong-secret-4f9a");
  });
});
