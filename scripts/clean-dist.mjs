// Empties dist/ before a build, so that the output of a source file that was deleted or renamed is not packed with
// the next release nor imported by a test.
import { rmSync } from "node:fs";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
