// The server fault suite run against the platform emulator's execute route.
import { readFile } from "node:fs/promises";
import { startEmulator } from "../../../src/emulator/emulator.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";
import { describeServerFaults } from "./server-faults.js";

describeServerFaults("the emulator's execute route", async () => {
  const definition = JSON.parse(await readFile(`${EXAMPLE_DIR}/definition.json`, "utf8")) as Record<string, unknown>;
  const source = "export default function transform(t, ctx) { return { recordId: 'rec-' + t.interaction.id, processedAt: ctx.now().toISOString() }; }";
  const emulator = await startEmulator({ definitions: { "da-test-12345": { ...definition, transform: { language: "javascript", source } } }, requestTimeoutMs: 400 });
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: emulator.credentials.clientId, client_secret: emulator.credentials.clientSecret });
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
