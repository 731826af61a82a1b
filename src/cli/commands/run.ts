// `cxda run <action-dir>`: runs one trigger through an action and shows the output, the issues and the trace.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { addConfigOption, loadCommandOptions, type CommandOptions } from "../config-options.js";
import { CxdaError } from "../../core/errors.js";
import type { CaseDefinition, CaseResult, UpstreamResponse } from "../../core/types.js";
import { checkUpstream } from "../../cases/case-upstream.js";
import { synthesiseUpstream } from "../../platforms/genesys/declarative/synthesise-upstream.js";
import { addDeclarativeOptions, declarativeFromFlags, type DeclarativeFlags } from "../declarative-options.js";
import { parseJsonText } from "../../internal/json-file.js";
import { refuseDuplicateKeys } from "../../internal/duplicate-keys.js";
import { createEventBus } from "../../bus/event-bus.js";
import { recordTriggers } from "../../trace/trigger-recorder.js";
import { parseAssignment } from "../../payloads/dotted-path.js";
import { findActionDirs, loadAction, type LoadedAction } from "../../runner/load-action.js";
import { generatedTriggerFor, RUN_TRIGGER_SEED } from "../../payloads/action-trigger.js";
import { escapeControls } from "../../internal/control-characters.js";
import { runCases } from "../../runner/run-cases.js";
import { ActionCache } from "../../runner/run-plan.js";
import { EXIT } from "../exit-codes.js";
import { caseDetailLines } from "../report-case.js";
import { addRunOptions, collect, runnerOptions, runOptionsFrom, type RunFlags } from "../shared-options.js";
import { processTerminal, type Terminal } from "../terminal.js";

interface RunCommandFlags extends RunFlags, DeclarativeFlags {
  payload?: string;
  upstream?: string;
  set: string[];
  json?: boolean;
  seed?: string;
}

/**
 * The JSON value a flag names: a file, `-` for stdin (`--payload`), or the JSON itself when it starts with `{`
 * (`--upstream`); a key written twice is refused, as in case files.
 */
async function readJsonFlag(flag: string, source: string, inline: boolean): Promise<{ value: unknown; label: string }> {
  const label = source === "-" ? "<stdin>" : inline ? flag : source;
  let text: string;
  if (inline) text = source;
  else if (source === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString("utf8");
  } else {
    text = await readFile(source, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new CxdaError(
        "E_USAGE",
        `${flag} ${source}: ${error.code === "ENOENT" ? "file not found" : `cannot read (${error.code ?? error.message})`}`,
      );
    });
  }
  const value = parseJsonText(text, label, "E_USAGE");
  refuseDuplicateKeys(text, label, "E_USAGE");
  return { value, label };
}

async function readPayload(source: string): Promise<Record<string, unknown>> {
  const { value, label } = await readJsonFlag("--payload", source, false);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CxdaError("E_USAGE", `${label}: the payload must be a JSON object (a trigger)`);
  return value as Record<string, unknown>;
}

/** `--upstream`: a fixture file `{ status, headers, body }`, or the same as inline JSON. */
async function readUpstream(source: string): Promise<UpstreamResponse> {
  const { value, label } = await readJsonFlag("--upstream", source, /^\s*[[{]/.test(source));
  try {
    return checkUpstream(value, label);
  } catch (error) {
    throw new CxdaError("E_USAGE", error instanceof Error ? error.message : String(error));
  }
}

/** Runs one trigger and prints it; returns the exit code. */
export async function runRunCommand(dir: string, flags: RunCommandFlags, terminal: Terminal, options?: CommandOptions): Promise<number> {
  const dirs = await findActionDirs([dir]);
  if (dirs.length !== 1) throw new CxdaError("E_USAGE", `${dir}: holds ${dirs.length} actions; \`cxda run\` takes one action folder`);
  const single: CaseDefinition = { name: "run", expect: {} };
  if (flags.payload !== undefined) single.payload = await readPayload(flags.payload);
  if (flags.set.length > 0) single.set = Object.fromEntries(flags.set.map((text) => parseAssignment(text, "--set")));
  let result: CaseResult | undefined;
  const base = options ? runnerOptions(options, flags) : runOptionsFrom(flags);
  if (flags.upstream !== undefined) single.upstream = await readUpstream(flags.upstream);
  const declarativeFlags = flags.upstream !== undefined || flags.live === true || flags.recordUpstream !== undefined;
  // Loaded once: the run below takes the same action from this cache instead of loading it again.
  const actionCache = new ActionCache();
  const action = await actionCache.load(dirs[0]!, (dir) => loadAction(dir, base.definitions));
  if (declarativeFlags && action.definition !== undefined && (action.definition.config === undefined || action.transform !== undefined))
    terminal.err(
      "note: --upstream, --live and --record-upstream are for declarative actions; this action runs its transform, which they do not change",
    );
  useGenerated(action, single, flags, terminal);
  // The bus hands over the trigger as delivered (after --payload and --set), so the input can be shown too.
  const bus = createEventBus();
  const triggers = recordTriggers(bus);
  for await (const each of runCases({ ...base, ...declarativeFromFlags(flags), actions: dirs, cases: [single], workers: 1, bus, actionCache }))
    result = each;
  if (result === undefined) throw new CxdaError("E_USAGE", `${dir}: nothing ran`);
  if (flags.json) terminal.out(JSON.stringify(result, null, 2));
  else for (const line of caseDetailLines(terminal, result, triggers.take(result))) terminal.out(line);
  return result.status === "pass" ? EXIT.ok : EXIT.failures;
}

/**
 * What the run makes up when it is not given, each said on stderr, seeded so that it repeats: without --payload and
 * trigger.json, an action whose input schema refuses the CXone envelope (a Genesys export) gets a trigger generated from
 * its input schema; without --upstream (or --live), a declarative action's upstream answers with a response made from
 * its translation map and success schema, as `--generate` cases do.
 */
function useGenerated(action: LoadedAction, single: CaseDefinition, flags: RunCommandFlags, terminal: Terminal): void {
  const definition = action.definition;
  if (definition === undefined) return;
  const seed = flags.seed ?? RUN_TRIGGER_SEED;
  const generated = single.payload === undefined && action.defaultTrigger === undefined ? generatedTriggerFor(definition, seed) : undefined;
  if (generated !== undefined) {
    single.payload = generated.trigger;
    terminal.err(
      `trigger: generated from the input schema with seed ${JSON.stringify(escapeControls(generated.seed))} (the action has no trigger.json and its input is not a CXone trigger; --seed for another, --payload to give one)`,
    );
  }
  if (single.upstream === undefined && flags.live !== true && definition.config !== undefined && action.transform === undefined) {
    single.upstream = synthesiseUpstream(definition, `${seed} upstream`);
    terminal.err(
      `upstream: a 200 answer made from the translation map and success schema with seed ${JSON.stringify(escapeControls(seed))} (--upstream <file> to give the real answer, --live to call the endpoint)`,
    );
  }
}

/** Registers `cxda run`. */
export function registerRunCommand(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command("run")
    .description("run one trigger through an action: output, validation issues, trace and logs")
    .argument("<action-dir>", "the action folder")
    .option("--payload <file|->", "the trigger as a JSON file, or - for stdin (default: the action's trigger.json or a generated one)")
    .option("--set <path=value>", "override a trigger field by dotted path (JSON values are parsed; repeatable)", collect, [])
    .option("--json", "print the CaseResult as JSON")
    .option(
      "--upstream <file|json>",
      "declarative actions: what the endpoint answers, { status, headers, body } (default: made from the translation map)",
    )
    .option(
      "--seed <seed>",
      `seed of the trigger generated from the input schema when there is no --payload or trigger.json (default: "${RUN_TRIGGER_SEED}")`,
    );
  addConfigOption(addDeclarativeOptions(addRunOptions(command)))
    .addHelpText(
      "after",
      "\nExamples:\n  cxda run examples/billing-callback\n  cxda run examples/billing-callback --set data.customFields.resolutionScore='\"87\"'\n  cat trigger.json | cxda run actions/my-action --payload - --json",
    )
    .action(async (dir: string, flags: RunCommandFlags, self: Command) =>
      setExit(await runRunCommand(dir, flags, processTerminal(), await loadCommandOptions(self))),
    );
}
