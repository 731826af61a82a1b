// Only this folder's example: benchmarks/cold-start.mjs runs vitest here with --root.
export default { test: { include: ["example.test.mjs"] } };
