// The sandbox as a user meets it through the built CLI: stdout stays cxda's, a stuck thread does not turn the exit
// code into 137, no secret of the environment reaches a transform, and --debug says how the sandbox is isolated.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cxda } from "../helpers/run-cli.js";
import { createTempProject, type TempProject } from "../helpers/temp-project.js";

const definition = { id: "noisy", name: "noisy", schema: { input: { type: "object" }, output: { type: "object" } } };
const SECRET = "e2e-sandbox-secret-31415926";

describe("the sandbox, through the CLI", () => {
  let project: TempProject;

  beforeAll(async () => {
    project = await createTempProject();
    await project.addAction("noisy", {
      definition,
      trigger: { triggerId: "t-1" },
      transform: `export default async (trigger) => {
  // A computed import reaches the real fs, past the bundler's stand-in.
  const { writeSync } = await import(["node", "fs"].join(":"));
  process.stdout.write("not JSON {\\n");
  console.log("a log line");
  let fd1;
  try {
    writeSync(1, "straight to fd 1\\n");
    fd1 = "written";
  } catch (error) {
    fd1 = error.code;
  }
  return { id: trigger.triggerId, fd1, env: JSON.stringify(process.report.getReport().environmentVariables) };
};`,
      cases: { "a.json": [{ name: "writes to stdout" }] },
    });
    await project.addAction("stuck", {
      definition,
      trigger: { triggerId: "t-2" },
      transform: `import { readFileSync } from "node:fs";
export default (trigger, ctx) => { if (ctx.vars.hang) readFileSync(${JSON.stringify(join(project.root, "stuck", "fifo"))}); return { id: trigger.triggerId }; };`,
      cases: { "a.json": [{ name: "blocks in a native call", vars: { hang: true } }, { name: "runs after it" }] },
    });
    execFileSync("mkfifo", [join(project.root, "stuck", "fifo")]);
  });
  afterAll(async () => {
    await project.remove();
  });

  it("keeps --json parseable when a transform writes to stdout, and gives the writes to the case's logs", async () => {
    const run = await cxda(["test", join(project.root, "noisy"), "--json"], { env: { CXONE_CLIENT_SECRET: SECRET } });
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as { results: Array<{ logs: Array<{ message: string }>; output: { env: string; fd1: string } }> };
    expect(parsed.results[0]?.logs.map((l) => l.message)).toEqual(["not JSON {", "a log line"]);
    expect(run.stdout).not.toContain("straight to fd 1");
    // Descriptors the transform did not open are the harness's: writing to one is refused.
    expect(parsed.results[0]?.output.fd1).toBe("E_SANDBOX");
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    expect(JSON.parse(parsed.results[0]!.output.env)).toEqual({});
  });

  it("ends a case stuck in a native call with E_TIMEOUT and exits 1, not 137", async () => {
    const run = await cxda(["test", join(project.root, "stuck"), "--timeout", "300"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/E_TIMEOUT/);
    expect(run.stdout).toMatch(/1 passed, 1 failed/);
  });

  it("says with --debug how the sandbox is isolated and what it may read", async () => {
    const run = await cxda(["test", join(project.root, "noisy"), "--debug"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/sandbox: empty environment; Node's permission model refuses file writes/);
    expect(run.stderr).toContain(join(project.root, "noisy"));
  });
});
