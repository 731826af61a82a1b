// The Genesys corpus: real public exports, read in place from the shared checkout beside this one (never copied into
// the repository). Tests over it skip, saying so, when it is absent (a fresh clone on its own).
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { REPO_ROOT } from "./temp-project.js";

/** Where the Genesys exports are: `../shared/corpus/genesys` from the checkout. */
export const GENESYS_CORPUS = resolve(REPO_ROOT, "..", "shared", "corpus", "genesys");

/** The corpus's JSON files (names, sorted); empty when the corpus is absent. */
export const genesysCorpusFiles: readonly string[] = existsSync(GENESYS_CORPUS)
  ? readdirSync(GENESYS_CORPUS)
      .filter((name) => name.endsWith(".json"))
      .sort()
  : [];
