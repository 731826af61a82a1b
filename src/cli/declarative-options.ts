// The flags of `cxda test` and `cxda run` for declarative (Genesys) actions: where their requests go, and how strict
// their templates are.
import { resolve } from "node:path";
import type { Command } from "commander";
import type { DeclarativeRunOptions } from "../runner/run-cases.js";

/** The parsed values of {@link addDeclarativeOptions}. */
export interface DeclarativeFlags {
  live?: boolean;
  recordUpstream?: string;
  strict?: boolean;
}

/** Adds `--live`, `--record-upstream <dir>` and `--strict`. */
export function addDeclarativeOptions(command: Command): Command {
  return command
    .option(
      "--live",
      "declarative actions: send each request to its real endpoint (credentials from CXDA_CREDENTIAL_<name>) instead of the loopback stub",
    )
    .option("--record-upstream <dir>", "declarative actions: save each upstream answer as a fixture file in <dir>, secrets removed")
    .option("--strict", "declarative actions: a template reference that does not resolve is an error, not a warning");
}

/** Runner options from the flags; nothing when none was given. */
export function declarativeFromFlags(flags: DeclarativeFlags): { declarative?: DeclarativeRunOptions } {
  const options: DeclarativeRunOptions = {};
  if (flags.live === true) options.live = true;
  if (flags.recordUpstream !== undefined) options.recordDir = resolve(flags.recordUpstream);
  if (flags.strict === true) options.strict = true;
  return Object.keys(options).length === 0 ? {} : { declarative: options };
}
