// Builds strings that match a JSON Schema `pattern` (the common regex subset), with the length a schema asks for.
import { CxdaError } from "../../core/errors.js";
import type { Random } from "./random.js";

/**
 * A parsed pattern. `chars` is one code point out of `choices`; `empty` is anything zero-width (anchors, `\b`,
 * lookarounds): it adds no characters, and whatever it demands is checked on the finished string.
 */
type RegexNode =
  | { kind: "chars"; choices: readonly string[]; preferred: readonly string[] }
  | { kind: "seq"; items: RegexNode[] }
  | { kind: "alt"; options: RegexNode[] }
  | { kind: "repeat"; node: RegexNode; min: number; max: number }
  | { kind: "empty" };

/** The length range a string must have; `max` undefined means no upper bound. */
export interface LengthRange {
  min: number;
  max: number | undefined;
}

/** Draws strings for one pattern. */
export interface PatternSampler {
  readonly pattern: string;
  /** A string that matches the pattern and has a length in `range`, or `undefined` when none was found in bounded attempts. */
  sample(random: Random, range: LengthRange): string | undefined;
  /** True when `value` matches the pattern (as ajv tests it: unanchored, with the `u` flag). */
  test(value: string): boolean;
}

/** Printable ASCII plus a few non-ASCII letters: the pool that `.`, negated classes and `\W`, `\S`, `\p{…}` draw from. */
const BASE_POOL: readonly string[] = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  "\t",
  "é",
  "ñ",
  "ß",
  "Ж",
  "中",
  "€",
];
const ALNUM = /^[A-Za-z0-9]$/;
/** How often a drawn character comes from the letters and digits a class allows, when it allows some. */
const PREFER_ALNUM = 0.9;
/** Attempts per sample before giving up: lookarounds and `\b` are only checked on the finished string. */
const ATTEMPTS = 24;
/** Longest string the sampler builds; longer `minLength`s are out of its reach. */
const MAX_LENGTH = 4096;
/** How far past its shortest form an unbounded pattern is allowed to grow. */
const NATURAL_SPAN = 24;

/** Raised while parsing for syntax that cannot be generated from (backreferences). */
function unsupported(pattern: string, what: string): CxdaError {
  return new CxdaError(
    "E_SCHEMA",
    `cannot generate strings for pattern ${JSON.stringify(pattern)}: ${what} is not supported; give the property an enum, or simplify the pattern`,
    {
      context: { pattern },
    },
  );
}

function charsOf(choices: readonly string[]): RegexNode {
  return { kind: "chars", choices, preferred: choices.filter((c) => ALNUM.test(c)) };
}

/** The characters of `pool` that the single-character regex `source` accepts. */
function filterPool(source: string, pool: Iterable<string>): string[] {
  const single = new RegExp(`^(?:${source})$`, "u");
  const seen = new Set<string>();
  for (const c of pool) if (!seen.has(c) && single.test(c)) seen.add(c);
  return [...seen];
}

/** Up to 64 characters spread evenly over a code point range, both ends included. */
function sampleRange(from: number, to: number): string[] {
  const size = to - from + 1;
  if (size <= 128) return Array.from({ length: size }, (_, i) => String.fromCodePoint(from + i));
  return Array.from({ length: 64 }, (_, i) => String.fromCodePoint(from + Math.round((i * (size - 1)) / 63)));
}

/** A recursive-descent parser over the pattern's code points (patterns are `u`-mode regexes in ajv). */
class PatternParser {
  private readonly chars: string[];
  private index = 0;

  constructor(private readonly pattern: string) {
    this.chars = [...pattern];
  }

  parse(): RegexNode {
    const node = this.alternation();
    if (this.index < this.chars.length) throw unsupported(this.pattern, `an unmatched "${this.chars[this.index] ?? ""}"`);
    return node;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.index + offset];
  }

  private alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.peek() === "|") {
      this.index++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as RegexNode) : { kind: "alt", options };
  }

  private sequence(): RegexNode {
    const items: RegexNode[] = [];
    while (this.index < this.chars.length && this.peek() !== "|" && this.peek() !== ")") {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? (items[0] as RegexNode) : { kind: "seq", items };
  }

  private quantified(atom: RegexNode): RegexNode {
    let node = atom;
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === "*") [min, max] = [0, Infinity];
      else if (c === "+") [min, max] = [1, Infinity];
      else if (c === "?") [min, max] = [0, 1];
      else if (c === "{") {
        const match = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(this.index, this.index + 24).join(""));
        if (match === null) return node;
        min = Number(match[1]);
        max = match[2] === undefined ? min : match[3] === "" || match[3] === undefined ? Infinity : Number(match[3]);
        this.index += match[0].length - 1;
      } else return node;
      this.index++;
      if (this.peek() === "?") this.index++; // lazy: the same strings match
      node = { kind: "repeat", node, min, max };
    }
  }

  private atom(): RegexNode {
    const c = this.chars[this.index++] as string;
    switch (c) {
      case "^":
      case "$":
        return { kind: "empty" };
      case ".":
        return charsOf(filterPool(".", BASE_POOL));
      case "(":
        return this.group();
      case "[":
        return this.characterClass();
      case "\\":
        return this.escape();
      default:
        return charsOf([c]);
    }
  }

  private group(): RegexNode {
    let lookaround = false;
    if (this.peek() === "?") {
      const next = this.peek(1);
      if (next === ":") this.index += 2;
      else if (next === "=" || next === "!") {
        this.index += 2;
        lookaround = true;
      } else if (next === "<" && (this.peek(2) === "=" || this.peek(2) === "!")) {
        this.index += 3;
        lookaround = true;
      } else if (next === "<") {
        const close = this.chars.indexOf(">", this.index);
        if (close < 0) throw unsupported(this.pattern, "an unterminated group name");
        this.index = close + 1;
      } else throw unsupported(this.pattern, `the group syntax "(?${next ?? ""}"`);
    }
    const inner = this.alternation();
    if (this.chars[this.index++] !== ")") throw unsupported(this.pattern, "an unterminated group");
    // What a lookaround demands is checked on the finished string, so it adds nothing here.
    return lookaround ? { kind: "empty" } : inner;
  }

  /** `[...]`: the class's own source filters a pool made of the base pool and samples of its explicit ranges. */
  private characterClass(): RegexNode {
    const start = this.index - 1;
    const pool: string[] = [...BASE_POOL];
    let previous: number | undefined;
    if (this.peek() === "^") this.index++;
    // In a JavaScript regex "]" always closes the class, even first ("[]" matches nothing).
    while (this.index < this.chars.length && this.peek() !== "]") {
      let code: number | undefined;
      const c = this.chars[this.index++] as string;
      if (c === "\\") {
        const escaped = this.chars[this.index++] ?? "";
        code = this.escapedCode(escaped);
      } else {
        code = c.codePointAt(0);
      }
      if (c === "-" && previous !== undefined && this.peek() !== "]") {
        const endChar = this.chars[this.index++] as string;
        const end = endChar === "\\" ? this.escapedCode(this.chars[this.index++] ?? "") : endChar.codePointAt(0);
        if (end !== undefined && end >= previous) pool.push(...sampleRange(previous, end));
        previous = undefined;
        continue;
      }
      if (code !== undefined) pool.push(String.fromCodePoint(code));
      previous = code;
    }
    if (this.chars[this.index++] !== "]") throw unsupported(this.pattern, "an unterminated character class");
    const source = this.chars.slice(start, this.index).join("");
    return charsOf(filterPool(source, pool));
  }

  /** The code point an escape inside a class stands for, or undefined for a class escape (`\d`, `\p{L}`…). */
  private escapedCode(escaped: string): number | undefined {
    switch (escaped) {
      case "n":
        return 10;
      case "r":
        return 13;
      case "t":
        return 9;
      case "v":
        return 11;
      case "f":
        return 12;
      case "0":
        return 0;
      case "b":
        return 8; // inside a class, \b is a backspace
      case "x":
      case "u":
        return this.hexCode(escaped as "x" | "u");
      case "p":
      case "P":
        this.skipBraces();
        return undefined;
      case "d":
      case "D":
      case "w":
      case "W":
      case "s":
      case "S":
        return undefined;
      default:
        return escaped.codePointAt(0);
    }
  }

  private hexCode(kind: "x" | "u"): number | undefined {
    if (kind === "u" && this.peek() === "{") {
      const close = this.chars.indexOf("}", this.index);
      const hex = this.chars.slice(this.index + 1, close).join("");
      this.index = close + 1;
      return Number.parseInt(hex, 16);
    }
    const width = kind === "x" ? 2 : 4;
    const hex = this.chars.slice(this.index, this.index + width).join("");
    this.index += width;
    const code = Number.parseInt(hex, 16);
    return Number.isNaN(code) ? undefined : code;
  }

  private skipBraces(): void {
    if (this.peek() !== "{") return;
    const close = this.chars.indexOf("}", this.index);
    this.index = close < 0 ? this.chars.length : close + 1;
  }

  private escape(): RegexNode {
    const start = this.index - 1;
    const c = this.chars[this.index++];
    if (c === undefined) throw unsupported(this.pattern, "a trailing backslash");
    if (/[1-9]/.test(c) || (c === "k" && this.peek() === "<")) throw unsupported(this.pattern, "a backreference");
    if (c === "b" || c === "B") return { kind: "empty" };
    if ("dDwWsS".includes(c)) return charsOf(filterPool(`\\${c}`, BASE_POOL));
    if (c === "p" || c === "P") {
      this.skipBraces();
      return charsOf(filterPool(this.chars.slice(start, this.index).join(""), BASE_POOL));
    }
    if (c === "c") {
      const letter = this.chars[this.index++] ?? "A";
      return charsOf([String.fromCharCode((letter.codePointAt(0) ?? 65) % 32)]);
    }
    const code = this.escapedCode(c);
    return charsOf(code === undefined ? [] : [String.fromCodePoint(code)]);
  }
}

/** Which lengths (0..cap) a node can produce, computed once per cap. */
class LengthTable {
  private readonly sets = new Map<RegexNode, Uint8Array>();
  /** For a repeat: the lengths k copies can produce, for k = 0, 1, … */
  private readonly powers = new Map<RegexNode, Uint8Array[]>();
  /** For a sequence: the lengths items[i..] can produce. */
  private readonly suffixes = new Map<RegexNode, Uint8Array[]>();

  constructor(readonly cap: number) {}

  of(node: RegexNode): Uint8Array {
    let set = this.sets.get(node);
    if (set === undefined) {
      set = this.compute(node);
      this.sets.set(node, set);
    }
    return set;
  }

  powersOf(node: RegexNode & { kind: "repeat" }): Uint8Array[] {
    this.of(node);
    return this.powers.get(node) ?? [];
  }

  suffixesOf(node: RegexNode & { kind: "seq" }): Uint8Array[] {
    this.of(node);
    return this.suffixes.get(node) ?? [];
  }

  private single(length: number): Uint8Array {
    const set = new Uint8Array(this.cap + 1);
    if (length <= this.cap) set[length] = 1;
    return set;
  }

  private combine(a: Uint8Array, b: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.cap + 1);
    for (let i = 0; i <= this.cap; i++) {
      if (a[i] !== 1) continue;
      for (let j = 0; i + j <= this.cap; j++) if (b[j] === 1) out[i + j] = 1;
    }
    return out;
  }

  private compute(node: RegexNode): Uint8Array {
    switch (node.kind) {
      case "chars":
        return node.choices.length === 0 ? new Uint8Array(this.cap + 1) : this.single(1);
      case "empty":
        return this.single(0);
      case "alt": {
        const out = new Uint8Array(this.cap + 1);
        for (const option of node.options) this.of(option).forEach((v, i) => (out[i] = out[i]! | v));
        return out;
      }
      case "seq": {
        const suffixes: Uint8Array[] = new Array<Uint8Array>(node.items.length + 1);
        suffixes[node.items.length] = this.single(0);
        for (let i = node.items.length - 1; i >= 0; i--) suffixes[i] = this.combine(this.of(node.items[i]!), suffixes[i + 1]!);
        this.suffixes.set(node, suffixes);
        return suffixes[0]!;
      }
      case "repeat": {
        const child = this.of(node.node);
        const powers = [this.single(0)];
        const limit = node.max === Infinity ? node.min + this.cap + 1 : node.max;
        for (let k = 1; k <= limit; k++) {
          const next = this.combine(powers[k - 1]!, child);
          powers.push(next);
          // Past the minimum, an empty or unchanged set means more copies cannot add anything new.
          if (k > node.min && (next.every((v) => v === 0) || next.every((v, i) => v === powers[k - 1]![i]))) break;
        }
        this.powers.set(node, powers);
        const out = new Uint8Array(this.cap + 1);
        for (let k = node.min; k < powers.length; k++) powers[k]!.forEach((v, i) => (out[i] = out[i]! | v));
        return out;
      }
    }
  }
}

/** The shortest string a node can produce (Infinity when it can produce none). */
function shortest(node: RegexNode): number {
  switch (node.kind) {
    case "chars":
      return node.choices.length === 0 ? Infinity : 1;
    case "empty":
      return 0;
    case "alt":
      return Math.min(...node.options.map(shortest));
    case "seq":
      return node.items.reduce((sum, item) => sum + shortest(item), 0);
    case "repeat":
      return node.min === 0 ? 0 : node.min * shortest(node.node);
  }
}

function lengthsWhere(set: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, from); i <= to && i < set.length; i++) if (set[i] === 1) out.push(i);
  return out;
}

/** Builds a string of exactly `length` characters from `node`; the table says the length is reachable. */
function build(node: RegexNode, length: number, table: LengthTable, random: Random): string {
  switch (node.kind) {
    case "empty":
      return "";
    case "chars":
      return node.preferred.length > 0 && random.chance(PREFER_ALNUM) ? random.pick(node.preferred) : random.pick(node.choices);
    case "alt": {
      const options = node.options.filter((option) => table.of(option)[length] === 1);
      return build(random.pick(options), length, table, random);
    }
    case "seq": {
      const suffixes = table.suffixesOf(node);
      let remaining = length;
      let out = "";
      node.items.forEach((item, i) => {
        const rest = suffixes[i + 1]!;
        const fits = lengthsWhere(table.of(item), 0, remaining).filter((l) => rest[remaining - l] === 1);
        const chosen = random.pick(fits);
        out += build(item, chosen, table, random);
        remaining -= chosen;
      });
      return out;
    }
    case "repeat": {
      const powers = table.powersOf(node);
      const counts: number[] = [];
      for (let k = node.min; k < powers.length; k++) if (powers[k]![length] === 1) counts.push(k);
      const count = random.pick(counts);
      const child = table.of(node.node);
      let remaining = length;
      let out = "";
      for (let j = 0; j < count; j++) {
        const after = powers[count - j - 1]!;
        const fits = lengthsWhere(child, 0, remaining).filter((l) => after[remaining - l] === 1);
        const chosen = random.pick(fits);
        out += build(node.node, chosen, table, random);
        remaining -= chosen;
      }
      return out;
    }
  }
}

function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

const FILLER = "abcdefghijklmnopqrstuvwxyz";
const samplers = new Map<string, PatternSampler>();

/**
 * A sampler for `pattern`: literals, character classes (ranges, negation, `\d \w \s`, `\p{…}`), `.`, quantifiers
 * (`* + ? {n} {n,} {n,m}`, lazy or not), groups (capturing, non-capturing, named), alternation and anchors.
 * Lengths are planned exactly (which lengths each part can produce is worked out first), so `minLength` and
 * `maxLength` are honoured together with the pattern. Lookarounds and `\b` are accepted and checked on the result.
 * Every string returned has been tested against the real `RegExp`.
 * @throws CxdaError `E_SCHEMA` naming the pattern for syntax it cannot generate from (backreferences).
 * @example
 * patternSampler("^CUST-[0-9]{4}$").sample(createRandom("x"), { min: 0, max: undefined }); // e.g. "CUST-4821"
 */
export function patternSampler(pattern: string): PatternSampler {
  const known = samplers.get(pattern);
  if (known !== undefined) return known;
  const regex = new RegExp(pattern, "u");
  const tree = new PatternParser(pattern).parse();
  const minimum = shortest(tree);
  const tables = new Map<number, LengthTable>();
  const tableFor = (cap: number): LengthTable => {
    let table = tables.get(cap);
    if (table === undefined) tables.set(cap, (table = new LengthTable(cap)));
    return table;
  };
  const test = (value: string): boolean => regex.test(value);

  const sampler: PatternSampler = {
    pattern,
    test,
    sample(random, range) {
      if (minimum === Infinity) return undefined;
      const low = range.min;
      const high = Math.min(range.max ?? Math.max(low, minimum) + NATURAL_SPAN, MAX_LENGTH);
      if (high < low) return undefined;
      const table = tableFor(high);
      const reachable = table.of(tree);
      const inRange = lengthsWhere(reachable, low, high);
      // Shorter strings are favoured: an unbounded `\d+` should look like a number, not a wall of digits.
      const shorter = lengthsWhere(reachable, 0, low - 1);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        let value: string;
        if (inRange.length > 0) {
          const index = Math.floor(inRange.length * random.unit() ** 2);
          value = build(tree, inRange[Math.min(index, inRange.length - 1)]!, table, random);
        } else if (shorter.length > 0) {
          // Too short on its own: an unanchored pattern still matches with filler around it.
          const core = build(tree, random.pick(shorter), table, random);
          let pad = "";
          for (let i = codePointLength(core); i < low; i++) pad += random.pick([...FILLER]);
          value = random.chance(0.5) ? core + pad : pad + core;
        } else return undefined;
        const length = codePointLength(value);
        if (length >= low && (range.max === undefined || length <= range.max) && test(value)) return value;
      }
      return undefined;
    },
  };
  samplers.set(pattern, sampler);
  return sampler;
}
