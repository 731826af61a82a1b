// The server fault suite run against the platform emulator's execute route.
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { resolveEmulatorOptions, startEmulator } from "../../../src/emulator/emulator.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";
import { describeServerFaults } from "./server-faults.js";

describeServerFaults("the emulator's execute route", async () => {
  const definition = JSON.parse(await readFile(`${EXAMPLE_DIR}/definition.json`, "utf8")) as Record<string, unknown>;
  const source =
    "export default function transform(t, ctx) { return { recordId: 'rec-' + t.interaction.id, processedAt: ctx.now().toISOString() }; }";
  const emulator = await startEmulator({
    definitions: { "da-test-12345": { ...definition, transform: { language: "javascript", source } } },
    requestTimeoutMs: 400,
  });
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: emulator.credentials.clientId,
    client_secret: emulator.credentials.clientSecret,
  });
  const token = (await (await fetch(emulator.tokenUrl, { method: "POST", body: form })).json()) as { access_token: string };
  return {
    url: emulator.url,
    port: emulator.port,
    route: {
      method: "POST",
      path: "/api/v2/data-actions/da-test-12345/execute",
      headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
      body: await readFile(`${EXAMPLE_DIR}/trigger.json`, "utf8"),
    },
    bodyLimitBytes: 1024 * 1024,
    requestTimeoutMs: 400,
    close: () => emulator.close(),
  };
});

describe("the emulator's Host check", () => {
  /** GET the OpenID discovery document with this Host header; its status. */
  const discover = (port: number, host: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const request = httpRequest({ host: "127.0.0.1", port, path: "/.well-known/openid-configuration", headers: { host } }, (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      });
      request.on("error", reject);
      request.end();
    });

  it("answers the names in allowedHosts (a container reached by its service name) and refuses others with 403", async () => {
    const emulator = await startEmulator({ allowedHosts: ["emulator", "::2"] });
    try {
      expect(await discover(emulator.port, "emulator:4010")).toBe(200);
      expect(await discover(emulator.port, "[::2]:4010")).toBe(200);
      expect(await discover(emulator.port, "127.0.0.1")).toBe(200);
      expect(await discover(emulator.port, "emulator.attacker.example")).toBe(403);
      expect(emulator.requests.at(-1)).toMatchObject({ status: 403, route: null });
    } finally {
      await emulator.close();
    }
  });

  it("accepts the address given as --host when it is not loopback", () => {
    expect([...resolveEmulatorOptions({ host: "192.0.2.10" }).allowedHosts]).toContain("192.0.2.10");
    expect([...resolveEmulatorOptions({ host: "::" }).allowedHosts]).toContain("[::]");
    expect([...resolveEmulatorOptions().allowedHosts]).not.toContain("attacker.example");
  });
});
