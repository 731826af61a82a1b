// Suggests the closest known name for a mistyped key ("did you mean …?").

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** The candidate closest to `name` (case-insensitive edit distance), when it is close enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Two edits turn any name of three letters or fewer into half the vocabulary ("foo" into "not", "" into "id"): allow one.
  const limit = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/**
 * `did you mean "x"?`, naming the characters of `name` that are not printable ASCII: a Cyrillic "е" or a zero-width
 * space pasted into "minLength" looks exactly like the suggestion, and the reader needs to be told what differs.
 * @example
 * meant("minL\u0435ngth", "minLength"); // 'did you mean "minLength"? It holds U+0435, which is not ASCII: retype it'
 */
export function meant(name: string, suggestion: string): string {
  const odd = [...new Set([...name].filter((character) => character < " " || character > "~"))];
  if (odd.length === 0) return `did you mean "${suggestion}"?`;
  const codes = odd.map((character) => `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`);
  return `did you mean "${suggestion}"? It holds ${codes.join(", ")}, which ${codes.length === 1 ? "is" : "are"} not ASCII: retype it`;
}

/** ` (did you mean "x"?)` or an empty string. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const best = closestName(name, candidates);
  return best === undefined ? "" : ` (${meant(name, best)})`;
}
