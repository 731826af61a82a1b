// JSON Pointer (RFC 6901) helpers: escaping a member name, and reading the value a pointer designates.

/**
 * Escapes one member name for use as a JSON Pointer segment (`~` → `~0`, `/` → `~1`).
 * @example
 * escapePointerSegment("a/b"); // "a~1b"
 */
export function escapePointerSegment(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The value `pointer` designates inside `root`, or `undefined` when nothing is there. `""` is the root itself.
 * @example
 * valueAtPointer({ a: [{ b: 1 }] }, "/a/0/b"); // 1
 */
export function valueAtPointer(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (current !== null && typeof current === "object" && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
