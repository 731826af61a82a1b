// Genesys Cloud as a platform: OAuth client credentials at its login, and its data actions with their contract and config.
import { createTokenProvider } from "../../auth/create-token-provider.js";
import type { Platform } from "../platform.js";
import { GENESYS_PERMISSIONS, genesysEmulator } from "./genesys-emulator.js";
import { GENESYS_ENV, resolveGenesysOptions } from "./genesys-options.js";

/**
 * Genesys Cloud: `GET /api/v2/integrations/actions/{actionId}` (or `/draft`) with `expand=contract&includeConfig=true`,
 * as Genesys' API reference documents the call (IntegrationsApi getIntegrationsAction / getIntegrationsActionDraft:
 * `expand` "contract", `includeConfig` "Return config in response"). The answer is an Action object whose
 * `contract.input.inputSchema`, `contract.output.successSchema` and `config` the definitions loader reads as a Genesys
 * export. Parity runs an action's test (`POST /api/v2/integrations/actions/{actionId}/test`, or `…/draft/test`: IntegrationsApi
 * postIntegrationsActionTest, whose TestExecutionResult lists each step with its intermediate result) in place of an
 * execute call, and compares those steps and the final result with the local run.
 * @example
 * genesysPlatform.resolveOptions({ region: "usw2.pure.cloud", clientId, clientSecret }).apiUrl; // "https://api.usw2.pure.cloud/api/v2"
 */
export const genesysPlatform: Platform = {
  name: "genesys",
  title: "Genesys Cloud",
  env: GENESYS_ENV,
  resolveOptions: resolveGenesysOptions,
  createTokenProvider: (resolved, options) => createTokenProvider(resolved, options),
  api: {
    paths: {
      getDataAction: "integrations/actions/{id}",
      getDraft: "integrations/actions/{id}/draft",
      executeDataAction: undefined,
      testDataAction: "integrations/actions/{id}/test",
      testDraft: "integrations/actions/{id}/draft/test",
    },
    definitionQuery: { expand: "contract", includeConfig: "true" },
    grants: { read: GENESYS_PERMISSIONS.read[0], execute: GENESYS_PERMISSIONS.execute[0] },
    noun: "Genesys Cloud data action",
    missingGrant: (call, clientHint) => {
      const [main, other] = GENESYS_PERMISSIONS[call];
      return `the OAuth client lacks the permission "${main}" (or "${other}"); give the client (${clientHint}) a role that has it`;
    },
    notFoundHint: `the region (${GENESYS_ENV.region}) or ${GENESYS_ENV.apiUrl}`,
  },
  parseDefinition(body) {
    const version = body.version;
    return { definition: body, ...(typeof version === "string" || typeof version === "number" ? { version } : {}) };
  },
  emulator: genesysEmulator,
};
