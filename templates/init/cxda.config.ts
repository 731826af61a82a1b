// cxda settings for this project. Every key is optional; command-line flags override them.
import { defineConfig } from "cxda";

export default defineConfig({
  // Folders `cxda test` runs when given none: action folders, or folders of them.
  actions: ["actions"],
  // Per-case time limit in milliseconds, and each worker's heap limit in MB.
  timeoutMs: 2000,
  memoryMb: 256,
  // Variables every transform sees as ctx.vars (a case's own `vars` win).
  vars: {},
  // Where results go: "default" (the terminal), "json", "junit", "html", or { name, outputFile }.
  reporters: ["default"],
  // Transforms may not use the network or write files unless allowed here.
  sandbox: { network: false, fsWrite: false },
});
