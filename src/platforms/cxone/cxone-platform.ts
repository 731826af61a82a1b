// The CXone-style platform: the tutorial's data-action contract, with client credentials or CXone access keys.
import { createTokenProvider } from "../../auth/create-token-provider.js";
import type { Platform } from "../platform.js";
import { cxoneEmulator } from "./cxone-emulator.js";
import { PLATFORM_ENV, resolveCxoneOptions } from "./cxone-options.js";

/** The scope each call needs, named in `E_SCOPE` errors. */
export const DATA_ACTION_SCOPES = { read: "data-actions:read", execute: "data-actions:execute" } as const;

/**
 * The CXone-style platform (the default): `GET /api/v2/data-actions/{id}`, `POST /api/v2/data-actions/{id}/execute`,
 * scopes `data-actions:read` and `data-actions:execute`, credentials from `CXONE_*`.
 * @example
 * cxonePlatform.resolveOptions({ env: process.env }).apiUrl;
 */
export const cxonePlatform: Platform = {
  name: "cxone",
  title: "CXone-style (the tutorial's contract)",
  env: PLATFORM_ENV,
  resolveOptions: resolveCxoneOptions,
  createTokenProvider: (resolved, options) => createTokenProvider(resolved, options),
  api: {
    paths: { getDataAction: "data-actions/{id}", getDraft: undefined, executeDataAction: "data-actions/{id}/execute" },
    definitionQuery: {},
    grants: DATA_ACTION_SCOPES,
    noun: "data action",
    missingGrant: (call, clientHint) =>
      `the token lacks the "${DATA_ACTION_SCOPES[call]}" scope; grant that scope to the platform client you authenticate as (${clientHint})`,
    notFoundHint: "the API base URL",
  },
  parseDefinition(body) {
    const version = body.version;
    return { definition: body, ...(typeof version === "string" || typeof version === "number" ? { version } : {}) };
  },
  emulator: cxoneEmulator,
};
