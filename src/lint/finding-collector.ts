// Findings of many renders folded into one per kind and place: a count, the first input that showed it, and tags for the wording.
import type { LintExample, TemplateFinding } from "./lint-types.js";

/** A finding as one render sees it; the collector adds the count and the example. */
export type FindingDraft = Omit<TemplateFinding, "count" | "example">;

/** Rewrites a finding once every render is in, from the tags its renders left (`absent:queueId`, `complete`…). */
export type Describe = (tags: ReadonlySet<string>, draft: FindingDraft) => FindingDraft;

interface Entry {
  draft: FindingDraft;
  count: number;
  example?: LintExample;
  tags: Set<string>;
  describe?: Describe;
}

/**
 * Collects findings under a key (kind, template and place, plus whatever makes two findings different to the reader):
 * the same key seen again only counts, so 400 renders of one broken reference make one finding "seen 400 times".
 * @example
 * const findings = new FindingCollector();
 * findings.add("url|config.request.requestUrlTemplate", { severity: "error", code: "url-invalid", message: "…" }, example);
 * findings.list(); // [{ …, count: 1, example }]
 */
export class FindingCollector {
  private readonly entries = new Map<string, Entry>();

  /** Adds one sighting of a finding; `tags` describe this sighting, `describe` rewrites the finding from all of them. */
  add(key: string, draft: FindingDraft, example?: LintExample, options: { tags?: readonly string[]; describe?: Describe } = {}): void {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = {
        draft,
        count: 0,
        tags: new Set(),
        ...(example === undefined ? {} : { example }),
        ...(options.describe ? { describe: options.describe } : {}),
      };
      this.entries.set(key, entry);
    }
    entry.count += 1;
    for (const tag of options.tags ?? []) entry.tags.add(tag);
  }

  /** The findings in the order first seen, each with its count and example. */
  list(): TemplateFinding[] {
    return [...this.entries.values()].map((entry) => {
      const draft = entry.describe === undefined ? entry.draft : entry.describe(entry.tags, entry.draft);
      return { ...draft, count: entry.count, ...(entry.example === undefined ? {} : { example: entry.example }) };
    });
  }
}
