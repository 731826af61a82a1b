// Runs the built CLI (dist/cli/main.js) in a child process, as a user would, and collects what it printed.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./temp-project.js";

/** The built CLI's entry. */
export const CLI = join(REPO_ROOT, "dist", "cli", "main.js");

/** What one CLI run printed, and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cxda <args>` with NO_COLOR, optional stdin and extra environment. */
export function cxda(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, NO_COLOR: "1", ...options.env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input);
  });
}

/** The per-case lines of `cxda test` output, without marks and durations. */
export function caseTitles(stdout: string): string[] {
  return stdout
    .split("\n")
    .filter((line) => /^[✓✗!] /.test(line))
    .map((line) => line.slice(2).replace(/ \([\d.]+ ms\)$/, ""));
}

/**
 * Runs a command in a user's project as their shell would: none of this vitest run's variables (a nested vitest would
 * take them as its own), no colour, and npm quiet about funding, audits and updates.
 * @param options.offline npm may not reach the registry (the project's packages are already in place)
 */
export function runInProject(command: string, args: string[], cwd: string, options: { offline?: boolean } = {}): Promise<CliRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && key !== "NODE_ENV" && key !== "TEST"));
  const npm = {
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    ...(options.offline ? { npm_config_offline: "true" } : {}),
  };
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...env, NO_COLOR: "1", ...npm }, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
