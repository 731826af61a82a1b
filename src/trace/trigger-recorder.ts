// Remembers the trigger each case received (from the event bus), so traces and reports can show the input.
import type { CaseResult } from "../core/types.js";
import type { EventBus } from "../bus/event-bus.js";

/** Pairs results with the triggers the bus delivered for them. */
export interface TriggerRecorder {
  /** The trigger the case of `result` received; `undefined` when it never reached a worker (a broken case file, say). */
  take(result: CaseResult): Readonly<Record<string, unknown>> | undefined;
  /** Stops listening. */
  stop(): void;
}

/**
 * Listens for `trigger.received` on `bus`. `runCases({ bus })` announces every trigger before it runs; results that
 * come back are matched by action and case name, in order, so cases with the same name pair up correctly.
 * @example
 * const bus = createEventBus();
 * const triggers = recordTriggers(bus);
 * for await (const result of runCases({ actions, bus })) show(result, triggers.take(result));
 */
export function recordTriggers(bus: EventBus): TriggerRecorder {
  const pending = new Map<string, Array<Readonly<Record<string, unknown>>>>();
  const key = (action: string, name: string): string => `${action}\u0000${name}`;
  const stop = bus.on("trigger.received", (event) => {
    const list = pending.get(key(event.action, event.case)) ?? [];
    list.push(event.trigger);
    pending.set(key(event.action, event.case), list);
  });
  return {
    take(result) {
      // A case that never reached a worker has only the shared load-definition step, and was never announced.
      if (!result.trace.steps.some((step) => step.step !== "load-definition")) return undefined;
      const list = pending.get(key(result.action, result.case));
      const trigger = list?.shift();
      if (list !== undefined && list.length === 0) pending.delete(key(result.action, result.case));
      return trigger;
    },
    stop,
  };
}
