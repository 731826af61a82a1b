// The server fault suite run against `cxda listen`'s listener: load, bad requests, slow clients, nothing lost.
import { readFile } from "node:fs/promises";
import { startListener } from "../../../src/listener/listener.js";
import { EXAMPLE_DIR } from "../../helpers/temp-project.js";
import { describeServerFaults } from "./server-faults.js";

// The action is loaded once and each request runs in a worker: the full bounded load, as for the emulator.
describeServerFaults("the cxda listen listener", async () => {
  const listener = await startListener({ actions: [EXAMPLE_DIR], bodyTimeoutMs: 400, workers: 1 });
  return {
    url: listener.url,
    port: listener.port,
    route: {
      method: "POST",
      path: "/api/v2/data-actions/da-test-12345/execute",
      headers: { "content-type": "application/json" },
      body: await readFile(`${EXAMPLE_DIR}/trigger.json`, "utf8"),
    },
    bodyLimitBytes: 32 * 1024,
    requestTimeoutMs: 400,
    close: () => listener.close(),
  };
});
