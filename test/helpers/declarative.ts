// What the tests of declarative (Genesys) actions share: the trace a case of one has, and the corpus's known defects.

/** The steps of a declarative case's trace, in order, from the shared load-definition step on (written out, not read from src). */
export const DECLARATIVE_TRACE: readonly string[] = [
  "load-definition",
  "validate-input",
  "resolve-request",
  "upstream",
  "translation-map",
  "success-template",
  "validate-output",
  "compare",
];

/**
 * The corpus exports whose hand-written JSON body puts an input between quotes without $esc.jsonString: a quote and a
 * newline in that input make the body invalid JSON.
 */
export const CORPUS_BODIES_BROKEN_BY_QUOTES: readonly string[] = [
  "ani-blacklist__Put-Conversation-Tag.custom.json",
  "automatic-offer-callback-for-disconnected-call__Create-Callback.json",
  "design-architect-flow-data-actions-for-resiliency__Get-On-Queue-Agent-Counts.json",
  "negative-sentiment-callback__Create-Scheduled-Callback.custom.json",
  "process-automation-trigger-with-salesforce__create-case.json",
  "scheduling-bot-blueprint__GetBookableSlotsDataAction.json",
  "switch-voice-to-web-messaging__Send-Agentless-Outbound-Message.custom.json",
];
