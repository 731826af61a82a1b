// File-safe names for cases, unique within an action.

/**
 * A lower-case, dash-separated form of a case name, at most 80 characters (`trap: a score of 87.5` → `trap-a-score-of-87-5`).
 * @example
 * caseSlug('trap: a score sent as the string "87"'); // "trap-a-score-sent-as-the-string-87"
 */
export function caseSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug === "" ? "case" : slug;
}

/**
 * A slugger that never gives the same slug twice: a repeated name gets `-2`, `-3`…
 * @example
 * const slug = createSlugger();
 * slug("one"); // "one"
 * slug("One"); // "one-2"
 */
export function createSlugger(): (name: string) => string {
  const used = new Set<string>();
  return (name) => {
    const base = caseSlug(name);
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    return slug;
  };
}

/**
 * A name safe for a file or folder: an action id with anything but letters, digits, `.`, `_` and `-` replaced.
 * @example
 * actionFileName("da-test-12345"); // "da-test-12345"
 */
export function actionFileName(action: string): string {
  return action.replace(/[^\w.-]+/g, "_").replace(/^\.+/, "_") || "_";
}
