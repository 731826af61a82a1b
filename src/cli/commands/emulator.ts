// `cxda emulator`: runs the platform emulator on loopback until SIGINT/SIGTERM, printing its URL, credentials and requests.
import { stat } from "node:fs/promises";
import { InvalidArgumentError, type Command } from "commander";
import { CxdaError } from "../../core/errors.js";
import { startEmulator, type EmulatorOptions, type EmulatorRequest } from "../../emulator/emulator.js";
import { EXIT } from "../exit-codes.js";
import { collect } from "../shared-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";

/** Flags of `cxda emulator`. */
export interface EmulatorFlags {
  port?: number;
  host?: string;
  allowHost?: string[];
  definitions?: string;
  faults?: string;
  clientId?: string;
  clientSecret?: string;
  tokenTtl?: number;
  json?: boolean;
  quiet?: boolean;
}

function parseInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError("expected a whole number");
  return number;
}

function requestLine(terminal: Terminal, entry: EmulatorRequest): string {
  const colour = entry.dropped === true || entry.status >= 500 ? "red" : entry.status >= 400 ? "yellow" : "green";
  const status = entry.dropped === true ? "dropped" : String(entry.status);
  const faults = entry.faults === undefined ? "" : paint(terminal, "dim", ` [fault: ${entry.faults.join("; ")}]`);
  return `${paint(terminal, "dim", entry.at.slice(11, 23))} ${entry.method.padEnd(4)} ${entry.path} ${paint(terminal, colour, status)} ${paint(terminal, "dim", `${entry.durationMs} ms`)}${faults}`;
}

/**
 * Starts the emulator and keeps it running until `stop` aborts (the CLI wires SIGINT/SIGTERM to it).
 * Returns the exit code once it has closed.
 */
export async function runEmulatorCommand(flags: EmulatorFlags, terminal: Terminal, stop: AbortSignal): Promise<number> {
  let definitions = flags.definitions;
  if (definitions === undefined && (await stat("actions").catch(() => undefined))?.isDirectory() === true) definitions = "actions";
  if (definitions !== undefined && (await stat(definitions).catch(() => undefined))?.isDirectory() !== true) {
    throw new CxdaError("E_USAGE", `--definitions ${definitions}: not a folder`);
  }
  if ((flags.clientId === undefined) !== (flags.clientSecret === undefined)) {
    throw new CxdaError("E_USAGE", "--client-id and --client-secret go together");
  }
  const options: EmulatorOptions = {
    ...(flags.port === undefined ? {} : { port: flags.port }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.allowHost === undefined ? {} : { allowedHosts: flags.allowHost }),
    ...(definitions === undefined ? {} : { definitions }),
    ...(flags.faults === undefined ? {} : { faults: flags.faults }),
    ...(flags.tokenTtl === undefined ? {} : { tokenTtlSeconds: flags.tokenTtl }),
    ...(flags.clientId === undefined || flags.clientSecret === undefined
      ? {}
      : { clients: [{ clientId: flags.clientId, clientSecret: flags.clientSecret }] }),
    ...(flags.quiet === true
      ? {}
      : {
          onRequest: (entry: EmulatorRequest) =>
            terminal.out(flags.json === true ? JSON.stringify({ request: entry }) : requestLine(terminal, entry)),
        }),
  };
  const emulator = await startEmulator(options);
  if (flags.json === true) {
    terminal.out(
      JSON.stringify({
        ready: true,
        url: emulator.url,
        apiUrl: emulator.apiUrl,
        tokenUrl: emulator.tokenUrl,
        definitions: definitions ?? null,
        credentials: emulator.credentials,
        env: emulator.env,
        accessKeyEnv: emulator.accessKeyEnv,
        genesysEnv: emulator.genesysEnv,
      }),
    );
  } else {
    terminal.out(paint(terminal, "bold", `cxda emulator listening on ${emulator.url}`));
    terminal.out(definitions === undefined ? "  no definitions folder (use --definitions <dir>)" : `  definitions from ${definitions}`);
    if (flags.faults !== undefined) terminal.out(`  faults from ${flags.faults}`);
    terminal.out("");
    terminal.out("  Client credentials (these are the emulator's own throwaway credentials):");
    for (const [name, value] of Object.entries(emulator.env)) terminal.out(`    ${name}=${value}`);
    terminal.out("");
    terminal.out("  CXone access keys (discovery, password grant, tenant discovery):");
    for (const [name, value] of Object.entries(emulator.accessKeyEnv)) terminal.out(`    ${name}=${value}`);
    terminal.out("");
    terminal.out("  Genesys Cloud (--platform genesys: pull, and --parity through the test endpoint):");
    for (const [name, value] of Object.entries(emulator.genesysEnv)) terminal.out(`    ${name}=${value}`);
    terminal.out("");
    terminal.out(paint(terminal, "dim", "  Press Ctrl+C to stop."));
  }
  await new Promise<void>((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener("abort", () => resolve(), { once: true });
  });
  await emulator.close();
  if (flags.json !== true) terminal.out("cxda emulator stopped");
  return EXIT.ok;
}

/** Registers `cxda emulator`. */
export function registerEmulatorCommand(program: Command, setExit: (code: number) => void = (code) => void (process.exitCode = code)): void {
  program
    .command("emulator")
    .description(
      "run a local platform emulator (OAuth, data actions, execute, Genesys Cloud's actions and test endpoint, fault injection) on loopback",
    )
    .option("--port <port>", "port to listen on; 0 picks a free one", parseInteger, 0)
    .option("--host <address>", "address to listen on; requests naming it in Host are answered too", "127.0.0.1")
    .option(
      "--allow-host <name>",
      "also answer requests whose Host header is this name (repeatable); other names than localhost, 127.x.x.x, [::1] and --host get 403",
      collect,
    )
    .option("--definitions <dir>", "folder of <id>.json files or <action>/definition.json folders (default: ./actions when present)")
    .option("--faults <file>", 'JSON fault rules, e.g. [{"route":"get-data-action","status":429,"retryAfter":1,"count":2}]')
    .option("--client-id <id>", "client id to accept (default: cxda-emulator)")
    .option("--client-secret <secret>", "client secret to accept (default: a random one, printed at start)")
    .option("--token-ttl <seconds>", "access token lifetime", parseInteger)
    .option("--json", "print the ready line and each request as JSON lines")
    .option("--quiet", "do not print requests")
    .addHelpText("after", "\nExamples:\n  cxda emulator --definitions examples\n  cxda emulator --port 4010 --faults faults.json --json")
    .action(async (flags: EmulatorFlags) => {
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        setExit(await runEmulatorCommand(flags, processTerminal(), controller.signal));
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
}
