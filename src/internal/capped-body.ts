// A fetch response's body read as UTF-8 text within a limit: an endless answer is refused while it streams, never
// buffered whole first.

/**
 * The body of `response`, or `undefined` when it is larger than `maxBytes` (announced by Content-Length, or found
 * while reading: the rest is cancelled).
 * @example
 * const text = await cappedText(await fetch(url), 16 * 1024 * 1024);
 * if (text === undefined) throw new Error("too large");
 */
export async function cappedText(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
