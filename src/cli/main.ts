#!/usr/bin/env node
// The cxda command line: the only place that reads argv, writes the final error and sets the exit code.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { describeThrown, isCxdaError } from "../core/errors.js";
import { escapeControls } from "../internal/control-characters.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import type { Command as CommandType } from "commander";

type Register = (program: CommandType, setExit: (code: number) => void) => void;

/**
 * Each command's module, loaded only when that command runs (or for help, which lists them all): `cxda test` does not
 * pay for the emulator, the listener or the generator.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  init: async () => (await import("./commands/init.js")).registerInitCommand,
  test: async () => (await import("./commands/test.js")).registerTestCommand,
  check: async () => (await import("./commands/check.js")).registerCheckCommand,
  lint: async () => (await import("./commands/lint.js")).registerLintCommand,
  run: async () => (await import("./commands/run.js")).registerRunCommand,
  generate: async () => (await import("./commands/generate.js")).registerGenerateCommand,
  listen: async () => (await import("./commands/listen.js")).registerListenCommand,
  pull: async () => (await import("./commands/pull.js")).registerPullCommand,
  emulator: async () => (await import("./commands/emulator.js")).registerEmulatorCommand,
  demo: async () => (await import("./commands/demo.js")).registerDemoCommand,
  bench: async () => (await import("./commands/bench.js")).registerBenchCommand,
};

/** The commands to register: the one named on the command line, or every one (help, a typo to suggest against). */
function commandsFor(argv: string[]): string[] {
  const named = argv.slice(2).find((arg) => !arg.startsWith("-"));
  return named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
}

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = new Command()
    .name("cxda")
    .description("Test and debug contact-center data actions offline.")
    .version(version)
    .option("--debug", "print stacks with errors")
    .addHelpText(
      "after",
      "\nStart with: cxda demo (the bundled example end to end), then cxda <command> --help.\nExit codes: 0 passed, 1 a case failed, 2 usage or config error, 3 platform error.",
    )
    .exitOverride()
    // Commander quotes the arguments it rejects, and an argument can hold escape sequences.
    .configureOutput({ writeErr: (text) => process.stderr.write(escapeControls(text)) })
    .showHelpAfterError("(run with --help for usage)");
  for (const name of commandsFor(argv)) (await COMMANDS[name]!())(program, setExit);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const debug = argv.includes("--debug");
    const code = isCxdaError(error) ? `${error.code} ` : "";
    // The message may quote a server's reply, a path or a name: its escape sequences are shown, not obeyed.
    process.stderr.write(`cxda: ${escapeControls(`${code}${describeThrown(error)}`)}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${escapeControls(error.stack)}\n`);
    else if (!isCxdaError(error)) process.stderr.write("(an unexpected error: run with --debug for the stack, and please report it)\n");
    return exitCodeFor(error);
  }
  return exitCode;
}

process.exitCode = await main(process.argv);
