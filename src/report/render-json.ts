// Pretty-printed JSON as HTML, with the values at given JSON Pointers highlighted (and missing ones shown as ghosts).
import { escapeHtml } from "./html-text.js";

/** A place to highlight, with the note shown on hover. */
export interface JsonHighlight {
  /** JSON Pointer (`/contact/attributes/tier`); `/` or empty for the whole document. */
  path: string;
  note: string;
}

function decode(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

function encode(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function normalise(path: string): string {
  return path === "/" ? "" : path;
}

function exists(root: unknown, pointer: string): boolean {
  if (pointer === "") return true;
  let current: unknown = root;
  for (const segment of pointer.slice(1).split("/").map(decode)) {
    if (typeof current !== "object" || current === null || !Object.prototype.hasOwnProperty.call(current, segment)) return false;
    current = (current as Record<string, unknown>)[segment];
  }
  return true;
}

function scalar(value: unknown): string {
  if (typeof value === "string") return `<span class="j-s">${escapeHtml(JSON.stringify(value))}</span>`;
  if (typeof value === "number") return `<span class="j-n">${escapeHtml(String(value))}</span>`;
  if (typeof value === "boolean") return `<span class="j-b">${String(value)}</span>`;
  if (value === null) return `<span class="j-null">null</span>`;
  return `<span class="j-null">${escapeHtml(String(value))}</span>`;
}

/**
 * Renders `value` as indented JSON in HTML. Each highlighted pointer's value is wrapped in a `<mark>` with its notes as
 * a title; a pointer to a property that is not there (a `required` issue) appears as a ghost `"name": (missing)` line
 * inside its parent, highlighted too.
 * @example
 * renderJson({ score: "87" }, [{ path: "/score", note: "must be integer" }]);
 */
export function renderJson(value: unknown, highlights: readonly JsonHighlight[] = []): string {
  const notes = new Map<string, string[]>();
  const ghosts = new Map<string, string[]>();
  for (const { path, note } of highlights) {
    const pointer = normalise(path);
    notes.set(pointer, [...(notes.get(pointer) ?? []), note]);
    if (!exists(value, pointer)) {
      const cut = pointer.lastIndexOf("/");
      const parent = pointer.slice(0, Math.max(0, cut));
      const name = decode(pointer.slice(cut + 1));
      if (exists(value, parent)) ghosts.set(parent, [...new Set([...(ghosts.get(parent) ?? []), name])]);
    }
  }
  const mark = (pointer: string, html: string): string => {
    const found = notes.get(pointer);
    return found === undefined ? html : `<mark class="hl" title="${escapeHtml(found.join("\n"))}">${html}</mark>`;
  };

  const render = (current: unknown, pointer: string, indent: string): string => {
    const inner = `${indent}  `;
    if (Array.isArray(current)) {
      if (current.length === 0) return mark(pointer, "[]");
      const items = current.map((item, index) => `${inner}${render(item, `${pointer}/${index}`, inner)}`);
      return mark(pointer, `[\n${items.join(",\n")}\n${indent}]`);
    }
    if (typeof current === "object" && current !== null) {
      const entries = Object.entries(current as Record<string, unknown>).map(
        ([key, item]) => `${inner}<span class="j-k">${escapeHtml(JSON.stringify(key))}</span>: ${render(item, `${pointer}/${encode(key)}`, inner)}`,
      );
      for (const name of ghosts.get(pointer) ?? []) {
        entries.push(
          `${inner}${mark(`${pointer}/${encode(name)}`, `<span class="j-ghost"><span class="j-k">${escapeHtml(JSON.stringify(name))}</span>: (missing)</span>`)}`,
        );
      }
      if (entries.length === 0) return mark(pointer, "{}");
      return mark(pointer, `{\n${entries.join(",\n")}\n${indent}}`);
    }
    return mark(pointer, scalar(current));
  };
  return `<pre class="json">${render(value, "", "")}</pre>`;
}
