// The names a Velocity template reads, found in its syntax tree rather than by rendering, so that branches not taken count too.
import { parse } from "velocityjs";

/** One reference in a template: `$input.phone` is name `input`, property `phone`. */
export interface TemplateReference {
  /** The root name: `input`, `rawResult`, a translation-map key, a tool (`esc`). */
  name: string;
  /** The first property or method after the root (`phone` in `${input.phone}`), when there is one. */
  property?: string;
  /** 1-based line and column of the reference (of the statement holding it, for one inside a string literal). */
  line: number;
  column: number;
}

/** What {@link templateNames} finds. */
export interface TemplateNames {
  references: TemplateReference[];
  /** Names the template gives values itself: `#set($x = …)`, `#foreach($item in …)`, macro parameters. */
  assigned: Set<string>;
}

interface Position {
  first_line: number;
  first_column: number;
}

interface Node {
  type?: unknown;
  pos?: Position;
  [key: string]: unknown;
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function firstStep(path: unknown): string | undefined {
  if (!Array.isArray(path)) return undefined;
  const step: unknown = path[0];
  return isNode(step) && (step.type === "property" || step.type === "method") && typeof step["id"] === "string" ? step["id"] : undefined;
}

class NameWalker {
  readonly found: TemplateNames = { references: [], assigned: new Set() };

  walk(value: unknown, at: Position): void {
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item, at);
      return;
    }
    if (!isNode(value)) return;
    const here = value.pos ?? at;
    switch (value.type) {
      case "references":
        this.reference(value, here);
        return;
      case "set":
        this.assignment(value, here);
        return;
      case "foreach":
        if (typeof value["to"] === "string") this.found.assigned.add(value["to"]);
        this.walk(value["from"], here);
        return;
      case "macro":
        for (const arg of Array.isArray(value["args"]) ? value["args"] : [])
          if (isNode(arg) && typeof arg["id"] === "string") this.found.assigned.add(arg["id"]);
        return;
      case "string":
        // A double-quoted string is rendered too ("$a"): its references count, placed at the statement that holds it.
        if (value["isEval"] === true && typeof value["value"] === "string") this.walkText(value["value"], here);
        return;
      default:
        for (const [key, child] of Object.entries(value)) if (key !== "pos") this.walk(child, here);
    }
  }

  walkText(text: string, at: Position): void {
    try {
      this.walk(parse(text), at);
    } catch {
      // A string literal that does not parse as a template prints as it is.
    }
  }

  private reference(node: Node, at: Position): void {
    if (typeof node["id"] === "string") {
      const property = firstStep(node["path"]);
      this.found.references.push({
        name: node["id"],
        ...(property === undefined ? {} : { property }),
        line: at.first_line,
        column: at.first_column + 1,
      });
    }
    // Method arguments and indexes hold references of their own.
    this.walk(node["path"], at);
  }

  private assignment(node: Node, at: Position): void {
    const equal = Array.isArray(node["equal"]) ? (node["equal"] as unknown[]) : [];
    const [target, value] = equal;
    // `#set($x = …)` gives x a value; `#set($map.key = …)` reads $map.
    if (isNode(target) && typeof target["id"] === "string" && (!Array.isArray(target["path"]) || target["path"].length === 0)) {
      this.found.assigned.add(target["id"]);
    } else {
      this.walk(target, at);
    }
    this.walk(value, at);
  }
}

/**
 * Every reference a template makes, in every branch, and the names it assigns itself; `undefined` for a template that
 * does not parse (rendering reports that, with its place).
 * @example
 * templateNames('#set($n = 1)${input.a} #if($b)$c.d("$e")#end')?.references.map((r) => r.name); // ["input", "b", "c", "e"]
 */
export function templateNames(template: string): TemplateNames | undefined {
  const walker = new NameWalker();
  let tree: unknown;
  try {
    tree = parse(template);
  } catch {
    return undefined;
  }
  walker.walk(tree, { first_line: 1, first_column: 0 });
  return walker.found;
}
