// renderTemplate: a Velocity template rendered as Genesys renders it, with every reference that did not resolve reported.
//
// Genesys: "Formal notation: ${variable}. If the variable is null, formal notation outputs the variable name. Silent
// formal notation: $!{variable}. If the variable is null, the silent notation outputs an empty string."
// (https://help.mypurecloud.com/articles/velocity-macros-data-actions/). velocityjs does the same for a missing value,
// but rebuilds the reference's text (`${a.b('x','y')}` loses its spaces), prints a null, and calls JavaScript's
// methods; this module prints the text as written, treats null as missing, and gives data Java's methods.
import { Compile, Helper, parse } from "velocityjs";
import { CxdaError, isCxdaError } from "../../../core/errors.js";
import { javaText } from "./escape-tool.js";
import { createGenesysTools } from "./genesys-tools.js";
import { templateFault } from "./java-regex.js";
import { checkBlocks } from "./template-blocks.js";
import { JAVA_METHOD_HANDLERS, PASS_THROUGH, TOOL_METHOD_HANDLER, isPlainObject, javaProperty, toolProperty } from "./java-methods.js";

/** A reference that printed as written (or, silent, as nothing) because its value was missing or null. */
export interface UnresolvedReference {
  /** The reference as the template writes it: `${input.x}`, `$!{input.y}`, `$esc.url($input.z)`. */
  reference: string;
  /** The reference without `$`, `!` and braces: `input.x`. */
  name: string;
  /** 1-based line of the reference in the template (of the statement holding it, for one inside a string literal). */
  line: number;
  /** 1-based column, likewise. */
  column: number;
  /** True for `$!…`: it printed nothing. */
  silent: boolean;
}

/** What {@link renderTemplate} gives back. */
export interface RenderedTemplate {
  /** The rendered text. */
  text: string;
  /** Every reference that did not resolve, in the order they were met: warnings, unless `strict`. */
  unresolved: UnresolvedReference[];
}

/** The values a template sees: `input` (the action's input) and any other names (`credentials`, translation-map values…). */
export interface TemplateContext {
  input?: Record<string, unknown>;
  [name: string]: unknown;
}

/** Options of {@link renderTemplate}. */
export interface RenderTemplateOptions {
  /**
   * Make an unresolved reference an error (`E_TEMPLATE`) instead of a warning. A silent `$!{…}` stays a warning:
   * its author said the value may be absent.
   * @default false
   */
  strict?: boolean;
  /** What the template is, for messages: `requestUrlTemplate`, `headers.Accept`, `successTemplate`… @default "template" */
  label?: string;
}

interface Position {
  first_line: number;
  first_column: number;
  last_line?: number;
  last_column?: number;
}

interface ReferenceNode {
  type: "references";
  leader: string;
  pos?: Position;
}

interface PropertyNode {
  type: string;
  id: unknown;
}

/** velocityjs' compiler, whose protected hooks this module overrides; its typings do not declare them all. */
type CompileHooks = {
  getReferences(ast: ReferenceNode, isVal?: boolean): unknown;
  getAttributes(property: PropertyNode, baseRef: unknown, ast: ReferenceNode): unknown;
  evalStr(text: string): string;
  setValue(ast: { pos?: Position }): void;
  getArray(literal: unknown): unknown[];
  getBlockEach(block: unknown): string;
};

/** The most items a `[a..b]` range may have: cxda's bound, so a typo such as [1..$input.n] cannot exhaust memory. */
const MAX_RANGE = 1_000_000;

const base = Compile.prototype as unknown as CompileHooks;

/** A JSON-like copy of the caller's data: velocityjs writes to objects it calls methods on, and some are frozen. */
function toTemplateData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toTemplateData);
  if (isPlainObject(value) || (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === null)) {
    // fromEntries defines own properties, so a "__proto__" key in the data stays a key.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toTemplateData(item)]));
  }
  return value;
}

function referenceName(text: string): string {
  return text.replace(/^\$!?\{?/, "").replace(/\}$/, "");
}

/** velocityjs with Genesys' reading of references: text as written, null as missing, Java methods on data. */
class GenesysCompile extends Compile {
  readonly unresolved: UnresolvedReference[] = [];
  private depth = 0;
  private inString = 0;
  private anchor: Position = { first_line: 1, first_column: 0 };

  constructor(
    asts: ReturnType<typeof parse>,
    private readonly lines: string[],
    private readonly label: string,
  ) {
    super(asts, { customMethodHandlers: [...JAVA_METHOD_HANDLERS, TOOL_METHOD_HANDLER] });
  }

  /** The reference's text exactly as the template has it, when its position is in the template itself. */
  private sourceText(ast: ReferenceNode): string {
    const pos = ast.pos;
    if (this.inString > 0 || pos?.last_line === undefined || pos.last_column === undefined || pos.first_line !== pos.last_line) {
      return Helper.getRefText(ast as never);
    }
    return this.lines[pos.first_line - 1]?.slice(pos.first_column, pos.last_column) ?? Helper.getRefText(ast as never);
  }

  private place(ast: ReferenceNode): Position {
    return this.inString > 0 || ast.pos === undefined ? this.anchor : ast.pos;
  }

  protected override getReferences(ast: never, isVal?: boolean): string {
    const node = ast as ReferenceNode;
    if (this.depth === 0 && this.inString === 0 && node.pos !== undefined) this.anchor = node.pos;
    this.depth += 1;
    let value: unknown;
    try {
      value = base.getReferences.call(this, node, false);
    } catch (error) {
      throw this.depth === 1 ? this.fault(node, error) : error;
    } finally {
      this.depth -= 1;
    }
    // A tool's method named without parentheses is a function here; in Java it is a missing property.
    if (value === null || typeof value === "function") value = undefined;
    if (!isVal) return value as string;
    // Printed as Java prints a List or Map; velocityjs' own printing calls a "toString" key of the data and fails.
    if (typeof value === "object") return javaText(value)!;
    if (value !== undefined) return value as string;
    const text = this.sourceText(node);
    const at = this.place(node);
    const silent = node.leader === "$!";
    this.unresolved.push({ reference: text, name: referenceName(text), line: at.first_line, column: at.first_column + 1, silent });
    return silent ? "" : text;
  }

  protected getAttributes(property: PropertyNode, baseRef: unknown, ast: ReferenceNode): unknown {
    if (property.type === "property" && typeof property.id === "string") {
      const value = javaProperty(baseRef, property.id);
      // A tool (or a function a chain reached) has its own fields and nothing inherited.
      return value === PASS_THROUGH ? toolProperty(baseRef, property.id) : value;
    }
    // Java has no index notation on a String; velocityjs would give a character.
    if (property.type === "index" && typeof baseRef === "string") return undefined;
    if (property.type === "index" && javaProperty(baseRef, "") === PASS_THROUGH) return undefined;
    return base.getAttributes.call(this, property, baseRef, ast);
  }

  override evalStr(text: string): string {
    // A string literal is parsed again on its own, so positions inside it count from the string.
    this.inString += 1;
    try {
      return base.evalStr.call(this, text);
    } finally {
      this.inString -= 1;
    }
  }

  getBlockEach(block: { pos?: Position }[]): string {
    const pos = block[0]?.pos;
    if (this.inString === 0 && pos !== undefined) this.anchor = pos;
    return base.getBlockEach.call(this, block);
  }

  protected override setValue(ast: never): void {
    const pos = (ast as { pos?: Position }).pos;
    if (this.inString === 0 && pos !== undefined) this.anchor = pos;
    base.setValue.call(this, ast);
  }

  /** A range is built in full before #foreach walks it, as in Velocity 1.7: a huge one would exhaust memory. */
  getArray(literal: { isRange?: boolean; value: unknown[] }): unknown[] {
    if (literal.isRange !== true) return base.getArray.call(this, literal);
    // Ends as velocityjs reads them (a literal, or a reference whose number may be text), truncated as intValue() does.
    const [begin, end] = literal.value.map((exp) => {
      const read: unknown = typeof exp === "string" ? Number.parseInt(exp, 10) : typeof exp === "number" ? exp : this.getReferences(exp as never);
      const number = typeof read === "string" && read.trim() !== "" ? Number(read) : read;
      return typeof number === "number" && Number.isFinite(number) ? Math.trunc(number) : undefined;
    });
    if (begin === undefined || end === undefined) return [];
    const size = Math.abs(end - begin) + 1;
    if (size > MAX_RANGE) {
      throw templateFault(`the range [${begin}..${end}] has ${size} items, more than the ${MAX_RANGE} cxda builds; narrow it`);
    }
    const step = begin <= end ? 1 : -1;
    return Array.from({ length: size }, (_, i) => begin + i * step);
  }

  /** A fault met while rendering (not in a reference's own method), placed at the statement being rendered. */
  renderFault(error: unknown): CxdaError {
    const at = this.anchor;
    const reason = isCxdaError(error)
      ? error.message
      : error instanceof RangeError && /call stack/i.test(error.message)
        ? "the template or its data nests too deeply to render"
        : error instanceof RangeError && /string length|array length/i.test(error.message)
          ? "the text it builds grows beyond what JavaScript can hold"
          : error instanceof Error
            ? error.message
            : String(error);
    return new CxdaError(
      "E_TEMPLATE",
      `${this.label} ${at.first_line}:${at.first_column + 1}: rendering failed: ${reason}. Check the template there and the data it is given.`,
      {
        cause: error,
        context: { line: at.first_line, column: at.first_column + 1 },
      },
    );
  }

  private fault(node: ReferenceNode, error: unknown): CxdaError {
    const at = this.place(node);
    const text = this.sourceText(node);
    const reason = error instanceof Error ? error.message : String(error);
    return new CxdaError(
      "E_TEMPLATE",
      `${this.label} ${at.first_line}:${at.first_column + 1}: ${text} failed: ${reason}. Fix the call or the input it is given.`,
      { cause: error, context: { line: at.first_line, column: at.first_column + 1, reference: text } },
    );
  }
}

interface JisonError {
  message: string;
  hash?: { loc?: Position; line?: number; text?: string; token?: string | null; expected?: string[] };
}

/** A lexical error has a line but no column: find where jison's pointer falls in that line. */
function lexicalColumn(message: string, line: string): number {
  const [, snippet = "", pointer = ""] = message.split("\n");
  const caret = pointer.indexOf("^");
  if (caret < 0) return 1;
  const past = snippet.slice(0, caret).replace(/^\.\.\./, "");
  const upcoming = snippet.slice(caret).replace(/\.\.\.$/, "");
  for (let column = 0; column <= line.length; column += 1) {
    const before = line.slice(0, column);
    const tailAgrees = before.endsWith(past) || past.endsWith(before);
    const headAgrees = upcoming.startsWith(line.slice(column, column + upcoming.length)) || line.startsWith(upcoming, column);
    if (tailAgrees && headAgrees) return column + 1;
  }
  return 1;
}

function parseFailure(error: unknown, lines: string[], label: string): CxdaError {
  const jison = error as JisonError;
  const loc = jison.hash?.loc;
  const line = loc?.first_line ?? (jison.hash?.line ?? 0) + 1;
  const column = loc !== undefined ? loc.first_column + 1 : lexicalColumn(jison.message ?? "", lines[line - 1] ?? "");
  const expected = jison.hash?.expected?.length ? `; expected ${jison.hash.expected.join(", ")}` : "";
  const found = jison.hash?.token ? ` at ${jison.hash.token}` : "";
  const firstLine = String(jison.message ?? error).split("\n")[0] ?? "";
  return new CxdaError(
    "E_TEMPLATE",
    `${label} ${line}:${column}: the Velocity template does not parse (${firstLine.replace(/ on line \d+/, "")}${found}${expected}). Check the directive or reference there: an unclosed \${ or (, a quote, or a # or $ meant literally (write \\# or \\$).`,
    { cause: error, context: { line, column } },
  );
}

/**
 * Renders a Genesys Cloud data-action template (URL, header, request body or success template) over a context.
 * Genesys' tools (`$esc`, `$math`, `$successTemplateUtils`, `$encoding`, `$urlTool`, `$salesforce`, `$dynamics`) are
 * present; data values have Java's methods. A reference whose value is missing or null prints as written
 * (`${input.x}`), or as nothing when silent (`$!{input.x}`), and is listed in `unresolved`.
 * @throws CxdaError `E_TEMPLATE` for a template that does not parse, a method that fails, or (strict) an unresolved
 * reference; each message has the template's label and the line:column.
 * @example
 * renderTemplate("/users/${input.id}?q=$esc.url($input.q)", { input: { id: 7, q: "a b" } })
 * // { text: "/users/7?q=a+b", unresolved: [] }
 */
export function renderTemplate(template: string, context: TemplateContext, options: RenderTemplateOptions = {}): RenderedTemplate {
  const label = options.label ?? "template";
  const lines = template.split(/\r\n|\r|\n/);
  const compiler = new GenesysCompile(parsed(template, lines, label), lines, label);
  // The render context has no prototype, so no name in a template reaches Object.prototype.
  const root = Object.assign(Object.create(null) as Record<string, unknown>, createGenesysTools());
  for (const [name, value] of Object.entries(context)) {
    try {
      root[name] = toTemplateData(value);
    } catch (error) {
      throw new CxdaError(
        "E_TEMPLATE",
        `${label}: the value of "${name}" nests too deeply to render (${String(error)}). Give the template flatter data.`,
        {
          cause: error,
        },
      );
    }
  }
  let text: string;
  try {
    text = compiler.render(root);
  } catch (error) {
    // A fault with its place already (a reference's method, strict mode) as it is; any other gets the statement's.
    if (isCxdaError(error) && (error as CxdaError).context?.["line"] !== undefined) throw error;
    throw compiler.renderFault(error);
  }
  const unresolved = compiler.unresolved;
  const loud = unresolved.filter((reference) => !reference.silent);
  if (options.strict === true && loud.length > 0) {
    const first = loud[0]!;
    const more = loud.length > 1 ? ` (and ${loud.length - 1} more)` : "";
    throw new CxdaError(
      "E_TEMPLATE",
      `${label} ${first.line}:${first.column}: ${first.reference} does not resolve${more}. Give the input a value, or write $!{${first.name}} where it may be absent.`,
      { context: { line: first.line, column: first.column, reference: first.reference } },
    );
  }
  return { text, unresolved };
}

/** Templates parsed lately: an action renders the same few templates for every case (and lint for every input). */
const parsedTemplates = new Map<string, ReturnType<typeof parse>>();
const PARSED_KEPT = 64;

/**
 * A template's syntax tree, parsed once while it is among the last {@link PARSED_KEPT} used (velocityjs' parse grows
 * faster than the template: a body of 8,000 fields took 115 s to lint when each render parsed it again). A template
 * that does not parse, or whose blocks do not balance, throws each time, with the label of the render that asked.
 */
function parsed(template: string, lines: readonly string[], label: string): ReturnType<typeof parse> {
  const kept = parsedTemplates.get(template);
  if (kept !== undefined) {
    parsedTemplates.delete(template);
    parsedTemplates.set(template, kept);
    return kept;
  }
  let asts: ReturnType<typeof parse>;
  try {
    asts = parse(template);
  } catch (error) {
    throw parseFailure(error, [...lines], label);
  }
  checkBlocks(template, label);
  if (parsedTemplates.size >= PARSED_KEPT) parsedTemplates.delete(parsedTemplates.keys().next().value!);
  parsedTemplates.set(template, asts);
  return asts;
}

/**
 * The context Genesys gives a request template (URL, headers, body): the input, plus `input.rawRequest`, the whole
 * input as JSON text, which the default body `${input.rawRequest}` sends (Request configuration,
 * https://help.mypurecloud.com/?p=138534). `credentials` is what the page's form-encoding example reads
 * (`${credentials.clientId}`, https://help.mypurecloud.com/?p=296518).
 * @example renderTemplate("${input.rawRequest}", requestContext({ a: 1 })).text // '{"a":1}'
 */
export function requestContext(input: Record<string, unknown>, credentials?: Record<string, unknown>): TemplateContext {
  const withRaw = Object.hasOwn(input, "rawRequest") ? input : { ...input, rawRequest: JSON.stringify(input) };
  return credentials === undefined ? { input: withRaw } : { input: withRaw, credentials };
}
