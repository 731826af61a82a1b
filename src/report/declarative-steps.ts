// A declarative action's steps (resolve-request, upstream, translation-map, success-template) as lines a person reads,
// like the platform's own Test view: the request, the answer, each key of the translation map, the rendered output.
import type { TraceStep } from "../core/types.js";
import { DECLARATIVE_STEPS } from "../platforms/genesys/declarative/run-declarative.js";

/** The steps a declarative action runs in place of `execute`. */
export const DECLARATIVE_STEP_SET: ReadonlySet<string> = new Set(DECLARATIVE_STEPS);

/** Longest text shown for one body or rendered template: the trace keeps more. */
const SHOWN_CHARS = 400;

function short(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  return flat.length <= SHOWN_CHARS ? flat : `${flat.slice(0, SHOWN_CHARS)}… (${flat.length - SHOWN_CHARS} more)`;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** What one translation-map key did: `name ← $.user.name  1 match, definite  "Ada"`. */
function entryLine(entry: Record<string, unknown>): string {
  const how = [
    `${String(entry["matches"])} match${entry["matches"] === 1 ? "" : "es"}`,
    entry["definite"] === false ? "indefinite" : entry["definite"] === true ? "definite" : undefined,
    entry["usedDefault"] === true ? "default used" : undefined,
  ].filter(Boolean);
  return `${String(entry["key"])} ← ${String(entry["path"])}  (${how.join(", ")})${entry["value"] === undefined ? "" : `  ${short(text(entry["value"]))}`}`;
}

/**
 * The lines that say what a declarative step did, without marks or colour (the terminal and the HTML report add
 * their own); none for any other step, or for a skipped one.
 * @example
 * declarativeStepLines({ step: "upstream", detail: { target: "stub", status: 200, body: "{}" }, … }); // ["200 from the stub", "body: {}"]
 */
export function declarativeStepLines(step: TraceStep): string[] {
  const detail = step.detail ?? {};
  if (!DECLARATIVE_STEP_SET.has(step.step) || step.ok === null) return [];
  const lines: string[] = [];
  switch (step.step) {
    case "resolve-request":
      if (detail["url"] !== undefined) lines.push(`${String(detail["method"])} ${String(detail["url"])}`);
      for (const [name, value] of Object.entries((detail["headers"] as Record<string, unknown> | undefined) ?? {}))
        lines.push(`${name}: ${text(value)}`);
      if (detail["body"] !== undefined) lines.push(`body: ${short(text(detail["body"]))}`);
      break;
    case "upstream":
      if (detail["status"] !== undefined)
        lines.push(`${String(detail["status"])} from ${detail["target"] === "live" ? "the live endpoint" : "the stub"}`);
      if (detail["body"] !== undefined) lines.push(`body: ${short(text(detail["body"]))}`);
      break;
    case "translation-map": {
      const entries = (detail["entries"] as Array<Record<string, unknown>> | undefined) ?? [];
      if (entries.length === 0 && step.ok) lines.push("(no translation map: the raw result passes through)");
      for (const entry of entries) lines.push(entryLine(entry));
      break;
    }
    case "success-template":
      if (detail["text"] !== undefined) lines.push(short(text(detail["text"])));
      break;
  }
  for (const warning of (detail["warnings"] as string[] | undefined) ?? []) lines.push(`warning: ${warning}`);
  if (detail["message"] !== undefined) lines.push(`error: ${text(detail["message"])}`);
  return lines;
}
