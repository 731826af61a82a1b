// Bundles the two modules every sandbox process loads (the process's own and its worker thread's), and the worker's
// declarative runner, into one file each,
// beside tsc's output in dist/executor: a sandbox then reads and compiles two files instead of a hundred (ajv is many
// small CommonJS files), which takes about 20 ms off every cold start (decision 5). Run by `npm run build`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const dist = fileURLToPath(new URL("../dist/executor/", import.meta.url));

// The declarative runner (velocityjs, jsonpath-rfc9535: about 200 KB) is a bundle of its own, which the worker imports
// at its first declarative case: a worker that runs transforms does not read or compile it.
const declarativeApart = {
  name: "declarative-apart",
  setup(builder) {
    builder.onResolve({ filter: /^\.\/declarative-case\.js$/ }, (args) =>
      args.importer.endsWith("worker-entry.js") ? { path: "./declarative-case.bundle.js", external: true } : undefined,
    );
  },
};

for (const name of ["worker-entry", "sandbox-process", "declarative-case"]) {
  await build({
    plugins: [declarativeApart],
    entryPoints: [join(dist, `${name}.js`)],
    outfile: join(dist, `${name}.bundle.js`),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    // Packages' own require() calls (ajv loads parts of itself by path) resolve from here, as they would unbundled.
    banner: { js: "import { createRequire as __cxdaRequire } from 'node:module'; const require = __cxdaRequire(import.meta.url);" },
  });
}
