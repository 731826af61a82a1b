// Local $ref resolution: JSON Pointers into the schema document, also when prefixed with the root's own $id.
import type { JsonSchema } from "../../core/types.js";
import { isRecord } from "../../internal/json-data.js";
import { isSchema, schemaError } from "./schema-reading.js";

/** The root's `$id` (or draft-04 `id`), which a local `$ref` may start with. */
function rootIdOf(root: JsonSchema): string | undefined {
  if (!isRecord(root)) return undefined;
  if (typeof root["$id"] === "string") return root["$id"];
  return typeof root["id"] === "string" ? root["id"] : undefined;
}

function decodePointerSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * A resolver for the `$ref`s of `root`: `#`, `#/definitions/…`, `#/$defs/…` or any other pointer into the document,
 * optionally prefixed with the root's `$id`.
 * @throws CxdaError `E_SCHEMA` (when called) naming the ref, for a ref that is not local, points at nothing, or points at a non-schema.
 * @example
 * createRefResolver({ $defs: { id: { type: "string" } } })("#/$defs/id"); // { type: "string" }
 */
export function createRefResolver(root: JsonSchema): (ref: string) => JsonSchema {
  const base = rootIdOf(root)?.replace(/#$/, "");
  return (ref) => {
    let pointer = ref;
    if (base !== undefined && pointer.startsWith(base)) pointer = pointer.slice(base.length);
    if (pointer === "" || pointer === "#") return root;
    if (!pointer.startsWith("#/")) {
      throw schemaError(
        `cannot generate payloads: $ref ${JSON.stringify(ref)} is not a local JSON Pointer; only refs inside the schema (#/definitions/…, #/$defs/…) are supported`,
        { ref },
      );
    }
    let current: unknown = root;
    for (const raw of pointer.slice(2).split("/")) {
      const segment = decodePointerSegment(raw);
      if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
      else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
      else throw schemaError(`cannot generate payloads: $ref ${JSON.stringify(ref)} points at nothing in the schema`, { ref });
    }
    if (!isSchema(current)) throw schemaError(`cannot generate payloads: $ref ${JSON.stringify(ref)} does not point at a schema`, { ref });
    return current;
  };
}
