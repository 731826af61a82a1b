// Escaping and small formatting helpers for the HTML report.
import { escapeControls } from "../internal/control-characters.js";

/**
 * Escapes text for HTML element content and attribute values. Control and bidirectional characters become visible
 * `\uXXXX` escapes, as in the terminal: a right-to-left override in a case name reordered the rest of its line, so the
 * report's "fail" badge beside it read "liaf".
 */
export function escapeHtml(text: string): string {
  return escapeControls(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Milliseconds for people: `0.42 ms`, `12.5 ms`, `340 ms`, `2.4 s`. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
}

/** A value on one line, shortened: strings quoted, `(missing)` for undefined. */
export function showShort(value: unknown, max = 120): string {
  if (value === undefined) return "(missing)";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An id safe for HTML `id` attributes and URL fragments. */
export function domId(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 120);
}
