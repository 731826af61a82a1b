// Works out which JSON Schema draft a schema is written in, from its `$schema` URI.
import { CxdaError } from "../core/errors.js";
import type { JsonSchema, SchemaDraft } from "../core/types.js";
import { describeValue } from "./describe-value.js";

/** The `$schema` URI each draft's meta-schema is registered under in ajv. */
export const CANONICAL_SCHEMA_URI: Readonly<Record<SchemaDraft, string>> = {
  "draft-04": "http://json-schema.org/draft-04/schema#",
  "draft-06": "http://json-schema.org/draft-06/schema#",
  "draft-07": "http://json-schema.org/draft-07/schema#",
  "2019-09": "https://json-schema.org/draft/2019-09/schema",
  "2020-12": "https://json-schema.org/draft/2020-12/schema",
};

/** The draft assumed when a schema has no `$schema`. */
export const DEFAULT_DRAFT: SchemaDraft = "draft-07";

// Keys are URIs without scheme or trailing "#": people write http and https, with and without "#".
const DRAFT_BY_URI: ReadonlyMap<string, SchemaDraft> = new Map(
  (Object.entries(CANONICAL_SCHEMA_URI) as Array<[SchemaDraft, string]>).map(([draft, uri]) => [uriKey(uri), draft]),
);

function uriKey(uri: string): string {
  return uri
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/#$/, "");
}

/** The `$schema` URIs cxda understands, for error messages. */
export function supportedSchemaUris(): string[] {
  return Object.values(CANONICAL_SCHEMA_URI);
}

/**
 * The draft a schema declares with `$schema` (draft-07 when absent, or for a boolean schema).
 * http and https, and a trailing `#`, are all accepted.
 * @throws CxdaError `E_SCHEMA` when `$schema` is not a string or names a draft cxda does not support.
 * @example
 * detectDraft({ $schema: "http://json-schema.org/draft-04/schema#", type: "object" }); // "draft-04"
 * detectDraft({ type: "string" }); // "draft-07"
 */
export function detectDraft(schema: JsonSchema): SchemaDraft {
  if (typeof schema === "boolean") return DEFAULT_DRAFT;
  const declared = schema["$schema"];
  if (declared === undefined) return DEFAULT_DRAFT;
  if (typeof declared !== "string") {
    throw new CxdaError("E_SCHEMA", `$schema must be a URI string, got ${typeof declared}; supported: ${supportedSchemaUris().join(", ")}`, {
      // String() would call a toString the JSON itself supplies ({"toString": 1} throws): describe the value instead.
      context: { schemaUri: describeValue(declared) },
    });
  }
  const draft = DRAFT_BY_URI.get(uriKey(declared));
  if (draft === undefined) {
    throw new CxdaError(
      "E_SCHEMA",
      `$schema "${declared}" is not a JSON Schema draft cxda supports; use one of ${supportedSchemaUris().join(", ")} (or leave $schema out for draft-07)`,
      { context: { schemaUri: declared } },
    );
  }
  return draft;
}
