// `cxda demo`: the main job on the bundled example: emulator, OAuth pull into the cache, offline run of its cases.
import { fileURLToPath } from "node:url";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { createApiClient } from "../../client/api-client.js";
import { createDefinitionsCache } from "../../definitions/definitions-cache.js";
import { pullDefinition, resolveDefinition } from "../../definitions/resolve-definition.js";
import { startEmulator } from "../../emulator/emulator.js";
import { EXIT } from "../exit-codes.js";
import type { ReportFlags } from "../report-options.js";
import { processTerminal, paint, type Terminal } from "../terminal.js";
import { runTestCommand } from "./test.js";
import { DEFAULT_ENV, DEFAULT_MEMORY_MB, DEFAULT_REPORTS_DIR, DEFAULT_SEED, DEFAULT_TIMEOUT_MS } from "../../config/defaults.js";

/** The folder of bundled examples, shipped with the package. */
export const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples", import.meta.url));
/** The bundled example action. */
export const EXAMPLE_DIR = fileURLToPath(new URL("../../../examples/billing-callback", import.meta.url));
/** The example action's id. */
export const EXAMPLE_ID = "da-test-12345";

/** Options of {@link runDemoCommand}. */
export interface DemoOptions {
  /** Definitions cache the demo pulls into. @default ".cxda/cache" */
  cacheDir?: string;
  /** Where the reports tree goes. @default "reports" */
  reportsDir?: string;
}

/**
 * The reports the demo writes: traces with each trigger and output, OpenTelemetry spans, a CPU profile, coverage
 * (text, html, lcov, json-summary) and the HTML report. Pass them to `runTestCommand` with the run's other flags.
 * @default reportsDir "reports"
 * @example
 * await runTestCommand([EXAMPLE_DIR], { ...baseFlags, ...demoReportFlags("reports") }, terminal);
 */
export function demoReportFlags(reportsDir = DEFAULT_REPORTS_DIR): ReportFlags {
  // The example's transform runs for microseconds: sample finely so that it shows up in the profile at all.
  return { trace: "payloads", otel: true, profile: true, "profile.interval": 100, coverage: true, html: true, reportsDir };
}

/**
 * The demo's closing lines: where each report is and what opens it.
 * @example
 * for (const line of demoReportLines(terminal, "reports", EXAMPLE_ID)) terminal.out(line);
 */
export function demoReportLines(terminal: Terminal, reportsDir: string, actionId: string): string[] {
  const at = (...parts: string[]): string => relative(process.cwd(), join(reportsDir, ...parts)) || ".";
  return [
    paint(terminal, "bold", `Open ${at("report.html")} in a browser: every case, its trace, the profile and coverage.`),
    `  coverage  ${at("coverage", "index.html")} (lcov: ${at("coverage", "lcov.info")})`,
    `  profile   ${at("profiles", `${actionId}.cpuprofile`)} (Chrome DevTools › Performance, or speedscope)`,
    `  traces    ${at("traces", actionId)}/ (one JSON file per case), ${at("traces.otlp.json")} (OpenTelemetry)`,
  ];
}

/**
 * Runs the demo: starts the emulator on a free loopback port, pulls the example's definition through the OAuth
 * client-credentials flow into the cache, stops the emulator, then runs the example's cases with the definition read
 * from the cache, offline. Returns the exit code.
 */
export async function runDemoCommand(terminal: Terminal, options: DemoOptions = {}): Promise<number> {
  const cache = createDefinitionsCache({ dir: options.cacheDir ?? ".cxda/cache" });
  terminal.out(paint(terminal, "bold", "cxda demo: the billing-callback example, end to end"));

  const emulator = await startEmulator({ definitions: EXAMPLES_DIR });
  try {
    terminal.out(`1. started the platform emulator at ${emulator.url}`);
    const client = createApiClient({ env: emulator.env, envFile: false });
    const pulled = await pullDefinition(EXAMPLE_ID, { client, cache });
    const tokenRequests = emulator.requests.filter((r) => r.route === "token").length;
    terminal.out(
      `2. pulled ${EXAMPLE_ID} (version ${String(pulled.entry.version)}, ${pulled.status}) through OAuth client credentials (${tokenRequests} token request)`,
    );
    terminal.out(
      paint(
        terminal,
        "dim",
        `   cached in ${relative(process.cwd(), pulled.file) || pulled.file}${pulled.entry.etag ? `, ETag ${pulled.entry.etag}` : ""}`,
      ),
    );
  } finally {
    await emulator.close();
  }
  terminal.out("3. stopped the emulator; running the example's cases offline, definition from the cache, with traces, coverage and a profile");
  terminal.out();
  const reportsDir = options.reportsDir ?? DEFAULT_REPORTS_DIR;

  const code = await runTestCommand(
    [EXAMPLE_DIR],
    { var: [], env: DEFAULT_ENV, timeout: DEFAULT_TIMEOUT_MS, memory: DEFAULT_MEMORY_MB, seed: DEFAULT_SEED, ...demoReportFlags(reportsDir) },
    terminal,
    {
      definitions: { resolve: () => resolveDefinition({ id: EXAMPLE_ID, cache, offline: true }) },
    },
  );
  terminal.out();
  terminal.out(code === EXIT.ok ? "Every rule holds and every trap is caught." : "Some cases did not pass: see above.");
  terminal.out();
  for (const line of demoReportLines(terminal, reportsDir, EXAMPLE_ID)) terminal.out(line);
  terminal.out(paint(terminal, "dim", "Next: npx cxda run examples/billing-callback --set data.customFields.resolutionScore='\"87\"'"));
  return code;
}

/** Registers `cxda demo`. */
export function registerDemoCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("demo")
    .description("the bundled example end to end: emulator, OAuth pull into the cache, offline run of its cases")
    .option("--cache-dir <dir>", "definitions cache to pull into", ".cxda/cache")
    .option("--reports-dir <dir>", "where the reports tree goes", DEFAULT_REPORTS_DIR)
    .addHelpText("after", "\nExamples:\n  npm start            (runs cxda demo)\n  cxda demo --cache-dir /tmp/cxda-cache")
    .action(async (flags: { cacheDir: string; reportsDir: string }) =>
      setExit(await runDemoCommand(processTerminal(), { cacheDir: flags.cacheDir, reportsDir: flags.reportsDir })),
    );
}
