// `cxda listen [actions...]`: serves local actions on the execute contract over loopback HTTP until SIGINT/SIGTERM.
import { relative } from "node:path";
import { Option, type Command } from "commander";
import { CxdaError } from "../../core/errors.js";
import { startListener, type ListenerRequest } from "../../listener/listener.js";
import { EXIT } from "../exit-codes.js";
import { addRunOptions, collect, integerFlag, runOptionsFrom, type RunFlags } from "../shared-options.js";
import { addConfigOption, loadCommandOptions, type CommandOptions } from "../config-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";

/** The parsed flags of `cxda listen`. */
export interface ListenFlags extends RunFlags {
  port: number;
  host: string;
  /** Host header names accepted besides loopback ones (a tunnel's public name). */
  allowHost?: string[];
  record?: string;
  bodyLimit: number;
}

function portFlag(value: string): number {
  const port = integerFlag("--port", 0)(value);
  if (port > 65535) throw new CxdaError("E_USAGE", `--port must be 0–65535 (0 picks a free port), got "${value}"`);
  return port;
}

function requestLine(terminal: Terminal, entry: ListenerRequest): string {
  const style = entry.status < 300 ? "green" : entry.status < 500 ? "yellow" : "red";
  const head = `${entry.method} ${entry.path} ${paint(terminal, style, String(entry.status))}${entry.actionId === undefined ? "" : ` ${entry.actionId}`} ${paint(terminal, "dim", `(${entry.durationMs} ms)`)}`;
  const notes: string[] = [];
  if (entry.error !== undefined) notes.push(entry.error);
  if (entry.recorded !== undefined)
    notes.push(
      `recorded ${relative(process.cwd(), entry.recorded) || entry.recorded}${entry.removed?.length ? ` without ${entry.removed.join(", ")}` : ""}`,
    );
  return notes.length === 0 ? head : `${head} ${paint(terminal, "dim", notes.join("; "))}`;
}

/**
 * Starts the listener, prints its URL and actions, logs each request, and stops when `stop` settles.
 * Returns the exit code.
 */
export async function runListenCommand(
  paths: string[],
  flags: ListenFlags,
  terminal: Terminal,
  stop: Promise<unknown>,
  config?: CommandOptions,
): Promise<number> {
  // With a config, its settings come first and flags already won inside it; without, the flags alone.
  const run = config
    ? {
        vars: config.run.vars,
        env: config.run.env,
        workers: config.run.workers,
        timeoutMs: config.run.timeoutMs,
        memoryMb: config.run.memoryMb,
        allowNetwork: config.run.allowNetwork,
        buildDir: config.run.buildDir,
      }
    : runOptionsFrom(flags);
  const listener = await startListener({
    actions: config ? config.run.actions : paths.length > 0 ? paths : ["actions"],
    port: flags.port,
    host: flags.host,
    ...(flags.allowHost === undefined ? {} : { allowedHosts: flags.allowHost }),
    bodyLimitBytes: flags.bodyLimit,
    ...(flags.record !== undefined ? { recordDir: flags.record } : {}),
    ...run,
    onRequest: (entry) => terminal.out(requestLine(terminal, entry)),
  });
  terminal.out(`cxda listen: ${paint(terminal, "bold", listener.url)}`);
  for (const action of listener.actions) {
    const where = relative(process.cwd(), action.dir) || ".";
    const warning = action.transform === "none" ? paint(terminal, "yellow", " (no transform: its requests will get 422)") : "";
    terminal.out(`  POST ${action.executeUrl}  ${paint(terminal, "dim", `${action.name}, ${where}`)}${warning}`);
  }
  if (flags.record !== undefined) terminal.out(`recording each trigger to ${flags.record}/<action>/cases/ (secret-looking fields removed)`);
  terminal.out(paint(terminal, "dim", `bodies up to ${flags.bodyLimit} bytes; Ctrl+C to stop`));
  await stop;
  terminal.out(paint(terminal, "dim", "stopping"));
  await listener.close();
  return EXIT.ok;
}

/** Settles on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** Registers `cxda listen`. */
export function registerListenCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    addRunOptions(
      program
        .command("listen")
        .description(
          "receive inbound triggers over HTTP (POST /api/v2/data-actions/{id}/execute), run them through local actions, answer with output and trace",
        )
        .argument("[actions...]", "action folders, or folders of them (default: ./actions)")
        .addOption(new Option("--port <n>", "port to listen on; 0 picks a free one").default(0).argParser(portFlag))
        .option("--host <address>", "loopback address to bind (127.0.0.1, ::1, localhost)", "127.0.0.1")
        .option(
          "--allow-host <name>",
          "also answer requests whose Host header is this name (a tunnel or proxy that keeps its own name; repeatable); other names than localhost, 127.x.x.x and [::1] get 403",
          collect,
        )
        .option("--record <dir>", "save each trigger as a case file <dir>/<action>/cases/recorded-<time>-<n>.json, secrets removed")
        .addOption(
          new Option("--body-limit <bytes>", "largest request body accepted; larger ones get 413")
            .default(32_768)
            .argParser(integerFlag("--body-limit")),
        ),
    ),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  cxda listen examples/billing-callback --port 4010\n  cxda listen actions --record actions\n  curl -X POST -H 'content-type: application/json' --data @trigger.json http://127.0.0.1:4010/api/v2/data-actions/da-test-12345/execute",
    )
    .action(async (paths: string[], flags: ListenFlags, self: Command) =>
      setExit(await runListenCommand(paths, flags, processTerminal(), untilSignal(), await loadCommandOptions(self, { paths }))),
    );
}
