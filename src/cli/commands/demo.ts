// `cxda demo`: the main job on the bundled example, so a new user sees the whole loop in one command.
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { EXIT } from "../exit-codes.js";
import { processTerminal, paint, type Terminal } from "../terminal.js";
import { runTestCommand } from "./test.js";

/** The bundled example action, shipped with the package. */
export const EXAMPLE_DIR = fileURLToPath(new URL("../../../examples/billing-callback", import.meta.url));

/** Runs the demo; returns the exit code. */
export async function runDemoCommand(terminal: Terminal): Promise<number> {
  terminal.out(paint(terminal, "bold", "cxda demo: the billing-callback example"));
  terminal.out(paint(terminal, "dim", `cases from ${EXAMPLE_DIR}/cases, definition from its definition.json`));
  terminal.out();
  const code = await runTestCommand([EXAMPLE_DIR], { var: [], env: "sandbox", timeout: 2000, memory: 256 }, terminal);
  terminal.out();
  terminal.out(code === EXIT.ok ? "Every rule holds and every trap is caught." : "Some cases did not pass: see above.");
  terminal.out(paint(terminal, "dim", "Try: npx cxda run examples/billing-callback --set data.customFields.resolutionScore='\"87\"'"));
  return code;
}

/** Registers `cxda demo`. */
export function registerDemoCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command("demo")
    .description("run the bundled billing-callback example end to end")
    .action(async () => setExit(await runDemoCommand(processTerminal())));
}
