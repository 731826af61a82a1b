// Counts in words: "1 case", "2 cases".

/**
 * `count` and the noun, singular for one and plural (with an "s") for any other number.
 * @example
 * countOf(1, "case"); // "1 case"
 * countOf(0, "case"); // "0 cases"
 */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
