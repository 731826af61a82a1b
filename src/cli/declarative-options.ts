// The flags of `cxda test` and `cxda run` for declarative (Genesys) actions: where their requests go, and how strict
// their templates are.
import { mkdirSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { CxdaError } from "../core/errors.js";
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
  if (flags.recordUpstream !== undefined) options.recordDir = recordFolder(flags.recordUpstream);
  if (flags.strict === true) options.strict = true;
  return Object.keys(options).length === 0 ? {} : { declarative: options };
}

/** The folder `--record-upstream` names, made now: a bad one is a usage error before any case runs, not one per case. */
function recordFolder(given: string): string {
  if (given.trim() === "") throw new CxdaError("E_USAGE", "--record-upstream needs a folder, such as actions/my-action/fixtures");
  const dir = resolve(given);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false)
    throw new CxdaError("E_USAGE", `--record-upstream ${given}: a file is in the way; name a folder`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new CxdaError("E_USAGE", `--record-upstream ${given}: cannot make the folder (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return dir;
}

/**
 * Refuses `--live`, and Genesys parity, with generated cases: each would send a made-up input to the real endpoint (an
 * SMS, a callback; Genesys' test endpoint calls it too), where generated cases otherwise get a made-up answer from the
 * stub.
 */
export function refuseLiveGenerated(flags: DeclarativeFlags & { generate?: number; invalid?: boolean }, genesysParity = false): void {
  if ((flags.generate ?? 0) === 0 && flags.invalid !== true) return;
  if (flags.live === true)
    throw new CxdaError(
      "E_USAGE",
      "--live with --generate would send every generated input to the real endpoint; generate against the stub (without --live), and go live with your own cases",
    );
  if (genesysParity)
    throw new CxdaError(
      "E_USAGE",
      "--parity on Genesys Cloud with --generate would send every generated input to the action's test endpoint, which calls the real endpoint; run parity on your own cases",
    );
}
