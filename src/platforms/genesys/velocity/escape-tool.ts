// `$esc` as Genesys templates see it: Velocity's EscapeTool plus the JSON and URL methods Genesys adds.
//
// Genesys documents the tool at https://help.mypurecloud.com/articles/velocity-macros-data-actions/ ("String-escaping
// library", prefix `esc`: EscapeTool, with urlFormEncode, url as its alias, uriEncode, jsonString/jsonEncode and
// jsonDecode). Where that page is silent on a character, the methods follow what Genesys runs: EscapeTool of
// velocity-tools 2.0 over commons-lang 2 and java.net.URLEncoder; each such rule says so beside it.

/** A value a template passes in: Velocity calls `toString()` on anything that is not null. */
type TemplateArgument = unknown;

/**
 * The text Java's `String.valueOf` gives a template value, or undefined for null (EscapeTool returns null then, and a
 * reference whose value is null prints as written).
 */
export function javaText(value: TemplateArgument): string | undefined {
  return textOf(value, []);
}

function textOf(value: TemplateArgument, holders: object[]): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (typeof value !== "object") return String(value);
  // A list or map that holds itself (`$l.add($l)`): Java prints "(this Collection)" / "(this Map)" for it rather than
  // recursing; cxda does so for any cycle, where Java would overflow its stack.
  if (holders.includes(value)) return Array.isArray(value) ? "(this Collection)" : "(this Map)";
  const inner = [...holders, value];
  if (Array.isArray(value)) return `[${value.map((item) => textOf(item, inner) ?? "null").join(", ")}]`;
  // A JSON object is a java.util.Map in Genesys' context: AbstractMap.toString prints `{key=value, …}`.
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => `${key}=${textOf(item, inner) ?? "null"}`);
  return `{${entries.join(", ")}}`;
}

/** UTF-8 bytes of a string, a lone surrogate becoming `?` as Java's String.getBytes(UTF_8) makes it. */
export function utf8Bytes(text: string): Uint8Array {
  let repaired = "";
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        repaired += text[i]! + text[i + 1]!;
        i += 1;
        continue;
      }
      repaired += "?";
    } else if (unit >= 0xdc00 && unit <= 0xdfff) repaired += "?";
    else repaired += text[i]!;
  }
  return new TextEncoder().encode(repaired);
}

function percent(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/** Letters and digits, which both URL encoders keep. */
function isAlphanumeric(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

/** Each UTF-8 byte of `text` kept as it is when `keeps` says so, a space as `space`, any other byte as `%XX`. */
function percentEncode(text: string, keeps: string, space: string): string {
  let out = "";
  for (const byte of utf8Bytes(text)) {
    if (isAlphanumeric(byte) || keeps.includes(String.fromCharCode(byte))) out += String.fromCharCode(byte);
    else if (byte === 0x20) out += space;
    else out += percent(byte);
  }
  return out;
}

/**
 * java.net.URLEncoder.encode(text, "UTF-8"): letters, digits and `.-*_` stay, a space becomes `+`, every other byte
 * of the UTF-8 form is `%XX` in upper case. So `()!'~`, which encodeURIComponent keeps, are encoded here, as Java
 * does (URLEncoder's javadoc lists the characters it keeps; Genesys' page says urlFormEncode encodes spaces as `+`).
 * @example urlFormEncode("a b(c)*") // "a+b%28c%29*"
 */
export function urlFormEncode(text: string): string {
  return percentEncode(text, ".-*_", "+");
}

/**
 * Percent-encoding for a URI component with spaces as `%20`. Genesys' page says only that uriEncode is the one for the
 * URL template and writes spaces as `%20`; which other characters it keeps is not documented, so this keeps RFC 3986's
 * unreserved set (letters, digits, `-._~`) and encodes the rest, which is always safe in a path or a query.
 * @example uriEncode("a b/c") // "a%20b%2Fc"
 */
export function uriEncode(text: string): string {
  return percentEncode(text, "-._~", "%20");
}

/**
 * java.net.URLDecoder.decode(text, "UTF-8"): `+` is a space, `%XX` a byte. Java throws on a broken escape; the tool
 * returns null then (EscapeTool.unurl catches it), so the reference prints as written.
 */
export function urlDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/**
 * The body of a JSON string literal for `text`: `"` and `\` escaped, control characters as `\b \f \n \r \t` or
 * `\u00XX`. Genesys' page shows quotes and backslashes escaped; it does not say whether `/` is (commons-text's
 * escapeJson writes `\/`), and both forms are the same JSON, so `/` is kept as JSON.stringify keeps it.
 * @example jsonEscape('say "hi"\n') // 'say \\"hi\\"\\n'
 */
export function jsonEscape(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The inverse of {@link jsonEscape}: `\"`, `\\`, `\/`, `\b \f \n \r \t` and `\uXXXX` read back; other text kept. */
export function jsonUnescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_match, code: string) => {
    if (code.startsWith("u")) return String.fromCharCode(Number.parseInt(code.slice(1), 16));
    const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
    return simple[code] ?? code;
  });
}

function unicodeEscape(unit: number): string {
  return `\\u${unit.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * commons-lang 2 StringEscapeUtils.escapeJava/escapeJavaScript, which EscapeTool.java/javascript call: `\b \n \t \f
 * \r`, `"` and `\` escaped, other control characters and every character above 0x7F as `\uXXXX`; JavaScript also
 * escapes `'` and `/`.
 */
function escapeJavaLike(text: string, javascript: boolean): string {
  const named: Record<string, string> = { "\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\" };
  let out = "";
  // Per UTF-16 unit, as commons-lang walks a Java String: a character outside the BMP is two \uXXXX escapes.
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    const single = text[i]!;
    if (named[single] !== undefined) out += named[single];
    else if (javascript && (single === "'" || single === "/")) out += `\\${single}`;
    else if (unit < 0x20 || unit > 0x7f) out += unicodeEscape(unit);
    else out += single;
  }
  return out;
}

/** Each character named in `named` as its entity, any other above 0x7F as a numeric reference, the rest kept. */
function escapeEntities(text: string, named: Record<string, string>): string {
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    out += named[char] ?? (code > 0x7f ? `&#${code};` : char);
  }
  return out;
}

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** commons-lang 2 escapeXml: the five XML entities, and characters above 0x7F as numeric references. */
function escapeXml(text: string): string {
  return escapeEntities(text, XML_ENTITIES);
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/**
 * commons-lang 2 escapeHtml keeps `'` and names the HTML 4 entities (`&eacute;`…); this names the four that matter
 * for markup and writes other non-ASCII characters as numeric references, which a browser reads the same.
 */
function escapeHtml(text: string): string {
  return escapeEntities(text, HTML_ENTITIES);
}

/** Applies `escape` to the Java text of a value; null stays null, as every EscapeTool method returns. */
function over(value: TemplateArgument, escape: (text: string) => string | undefined): string | undefined {
  const text = javaText(value);
  return text === undefined ? undefined : escape(text);
}

/**
 * The `$esc` tool. Methods take any value (Velocity passes it as Object) and return undefined for null, so
 * `${esc.url($input.absent)}` prints as written, as in Genesys.
 * @example
 * renderTemplate('{"name": "$esc.jsonString($input.name)"}', { input: { name: 'A "B"' } }).text
 * // '{"name": "A \\"B\\""}'
 */
export class EscapeTool {
  // EscapeTool's getters for characters that are awkward to write in a template: `$esc.d` is `$`, `$esc.q` is `"`…
  readonly d = "$";
  readonly dollar = "$";
  readonly h = "#";
  readonly hash = "#";
  readonly b = "\\";
  readonly backslash = "\\";
  readonly q = '"';
  readonly quote = '"';
  readonly s = "'";
  readonly singleQuote = "'";
  readonly e = "!";
  readonly exclamation = "!";

  /** Genesys: the body of a JSON string for the value (quotes, backslashes and control characters escaped). */
  jsonString(value: TemplateArgument): string | undefined {
    return over(value, jsonEscape);
  }
  /** Genesys' newer name for {@link EscapeTool.jsonString}; the page recommends it for strings inside JSON bodies. */
  jsonEncode(value: TemplateArgument): string | undefined {
    return over(value, jsonEscape);
  }
  /** Genesys: reads JSON string escapes back (`\"` → `"`, `\n` → newline). */
  jsonDecode(value: TemplateArgument): string | undefined {
    return over(value, jsonUnescape);
  }
  /** Genesys: form encoding, spaces as `+` (java.net.URLEncoder). */
  urlFormEncode(value: TemplateArgument): string | undefined {
    return over(value, urlFormEncode);
  }
  /** Genesys: an alias of urlFormEncode (EscapeTool.url is URLEncoder.encode in UTF-8). */
  url(value: TemplateArgument): string | undefined {
    return over(value, urlFormEncode);
  }
  /** Genesys: URI encoding with spaces as `%20`, for the URL template. */
  uriEncode(value: TemplateArgument): string | undefined {
    return over(value, uriEncode);
  }
  /** EscapeTool.unurl: URLDecoder.decode in UTF-8. */
  unurl(value: TemplateArgument): string | undefined {
    return over(value, urlDecode);
  }
  /** EscapeTool.java. */
  java(value: TemplateArgument): string | undefined {
    return over(value, (text) => escapeJavaLike(text, false));
  }
  /** EscapeTool.javascript (also escapes `'` and `/`; not valid inside JSON, where jsonString is meant). */
  javascript(value: TemplateArgument): string | undefined {
    return over(value, (text) => escapeJavaLike(text, true));
  }
  /** EscapeTool.html. */
  html(value: TemplateArgument): string | undefined {
    return over(value, escapeHtml);
  }
  /** EscapeTool.xml. */
  xml(value: TemplateArgument): string | undefined {
    return over(value, escapeXml);
  }
  /** EscapeTool.sql: doubles single quotes (commons-lang 2 escapeSql). */
  sql(value: TemplateArgument): string | undefined {
    return over(value, (text) => text.replace(/'/g, "''"));
  }
}
