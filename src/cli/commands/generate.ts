// `cxda generate <action-dir>`: payloads generated from an action's input schema (valid, boundary or invalid), listed or as JSON.
import { basename, resolve } from "node:path";
import { Option, type Command } from "commander";
import { CxdaError } from "../../core/errors.js";
import { loadDefinition } from "../../definitions/load-definition.js";
import { generatePayloads, type GeneratedPayload, type InvalidPayload } from "../../payloads/generate-payloads.js";
import { MAX_GENERATED } from "../../payloads/generate-limits.js";
import { DEFAULT_SEED } from "../../config/defaults.js";
import { EXIT } from "../exit-codes.js";
import { integerFlag } from "../shared-options.js";
import { paint, processTerminal, showJson, type Terminal } from "../terminal.js";

/** The parsed flags of `cxda generate`. */
export interface GenerateFlags {
  /** `-n`: how many; absent means 5 valid payloads, or every boundary case or mutation. */
  count?: number;
  seed: string;
  invalid?: boolean;
  boundary?: boolean;
  json?: boolean;
}

function indent(text: string, by = "  "): string {
  return text
    .split("\n")
    .map((line) => by + line)
    .join("\n");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Generates the payloads and prints them; returns the exit code. */
export async function runGenerateCommand(dir: string, flags: GenerateFlags, terminal: Terminal): Promise<number> {
  if (flags.invalid && flags.boundary) throw new CxdaError("E_USAGE", "--invalid and --boundary cannot be combined; run the command once for each");
  const definition = await loadDefinition(dir, { fallbackId: basename(resolve(dir)) });
  const mode = flags.invalid ? "invalid" : flags.boundary ? "boundary" : "valid";
  const options = {
    seed: flags.seed,
    mode,
    draft: definition.meta.inputDraft,
    dataActionId: definition.id,
    ...(flags.count !== undefined ? { count: flags.count } : {}),
  } as const;

  if (mode === "invalid") {
    const mutations: InvalidPayload[] = generatePayloads(definition.inputSchema, { ...options, mode });
    if (flags.json) {
      terminal.out(
        JSON.stringify(
          mutations.map(({ rule, path, payload }) => ({ rule, path, payload })),
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    terminal.out(
      paint(
        terminal,
        "dim",
        `${definition.id}: ${plural(mutations.length, "invalid payload")}, each breaking one rule of the input schema (seed ${JSON.stringify(flags.seed)})`,
      ),
    );
    const width = Math.max(0, ...mutations.map((m) => m.rule.length));
    for (const mutation of mutations)
      terminal.out(`${paint(terminal, "red", "✗")} ${mutation.rule.padEnd(width)}  ${mutation.label.slice(mutation.rule.length + 2)}`);
    terminal.out(paint(terminal, "dim", "--json prints the payloads as { rule, path, payload }"));
    return EXIT.ok;
  }

  const payloads: GeneratedPayload[] = generatePayloads(definition.inputSchema, options);
  if (flags.json) {
    const shown = mode === "boundary" ? payloads.map(({ label, payload }) => ({ label, payload })) : payloads.map((p) => p.payload);
    terminal.out(JSON.stringify(shown, null, 2));
    return EXIT.ok;
  }
  const what = mode === "boundary" ? "boundary payload" : "valid payload";
  terminal.out(
    paint(terminal, "dim", `${definition.id}: ${plural(payloads.length, what)} from the input schema (seed ${JSON.stringify(flags.seed)})`),
  );
  for (const { label, payload } of payloads) {
    terminal.out();
    terminal.out(paint(terminal, "bold", label));
    terminal.out(indent(showJson(payload)));
  }
  return EXIT.ok;
}

/** Registers `cxda generate`. */
export function registerGenerateCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("generate")
    .description("generate trigger payloads from an action's input schema: valid (default), boundary cases, or invalid mutations")
    .argument("<action-dir>", "the action folder (its definition.json is read)")
    .addOption(
      new Option("-n, --count <n>", `how many (default: 5 valid payloads; every boundary case or mutation), at most ${MAX_GENERATED}`).argParser(
        integerFlag("-n", 1, MAX_GENERATED),
      ),
    )
    .option("--seed <seed>", "the same seed gives the same payloads on every machine", DEFAULT_SEED)
    .option("--invalid", "payloads that each break one rule of the schema, labelled with the rule and the path")
    .option("--boundary", "valid payloads at the schema's edges: min/max lengths and values, empty arrays, optional fields absent")
    .option("--json", "print one JSON array: payloads; { rule, path, payload } with --invalid; { label, payload } with --boundary")
    .addHelpText(
      "after",
      "\nExamples:\n  cxda generate examples/billing-callback -n 20 --seed 42 --json > triggers.json\n  cxda generate examples/billing-callback --invalid\n  cxda generate actions/my-action --boundary --json",
    )
    .action(async (dir: string, flags: GenerateFlags) => setExit(await runGenerateCommand(dir, flags, processTerminal())));
}
