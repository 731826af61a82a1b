// The mock event bus: delivers triggers to actions, emits typed events for every step, and records what it delivered.
import type { CaseDefinition, CaseExpectation, CaseResult, ValidationIssue } from "../core/types.js";
import { CxdaError, type Problem } from "../core/errors.js";

/** What each bus event carries. `at` is epoch milliseconds. */
export interface BusEventMap {
  /** A trigger was delivered to an action (before validation). */
  "trigger.received": { action: string; case: string; trigger: Readonly<Record<string, unknown>>; at: number };
  /** The case was handed to a worker. */
  "execution.started": { action: string; case: string; at: number };
  /** The case has a result, whatever its status. */
  "execution.finished": { action: string; case: string; result: CaseResult; at: number };
  /** Validation found issues on the input or the output. */
  "validation.failed": { action: string; case: string; side: "input" | "output"; issues: ValidationIssue[]; at: number };
  /** The case could not be judged: the transform threw, timed out, broke the sandbox… */
  "execution.error": { action: string; case: string; error: Problem; at: number };
}

/** The name of a bus event. */
export type BusEventName = keyof BusEventMap;

/** Any bus event, tagged by `type`. */
export type BusEvent = { [K in BusEventName]: { type: K } & BusEventMap[K] }[BusEventName];

/** A trigger as the bus delivered it. */
export interface DeliveredTrigger {
  action: string;
  case: string;
  trigger: Readonly<Record<string, unknown>>;
  at: number;
}

/** A recording of delivered triggers, from `intercept()` until `stop()`. */
export interface Interception {
  /** Every trigger delivered since `intercept()`, in delivery order. */
  readonly triggers: readonly DeliveredTrigger[];
  stop(): void;
}

/** Options of {@link EventBus.publish}. */
export interface PublishOptions {
  /** Deliver to this action id instead of the trigger's `dataActionId`. */
  to?: string;
  /** The case name in results and events. @default "published #n" */
  name?: string;
  vars?: Record<string, unknown>;
  now?: string;
  expect?: CaseExpectation;
}

/** Runs one case of a subscribed action; the bus is given the means to run, so it stays free of the runner. */
export type Deliver = (actionDir: string, single: CaseDefinition, bus: EventBus) => Promise<CaseResult>;

/** The event bus. */
export interface EventBus {
  /** Listens to one kind of event; returns the function that stops listening. */
  on<K extends BusEventName>(type: K, listener: (event: { type: K } & BusEventMap[K]) => void): () => void;
  /** Listens to every event. */
  onAny(listener: (event: BusEvent) => void): () => void;
  /** Sends an event to its listeners (the runner does this as cases move through the pipeline). */
  emit(event: BusEvent): void;
  /** Starts recording every delivered trigger. */
  intercept(): Interception;
  /** Routes triggers whose `dataActionId` is `actionId` to the action folder `actionDir`. */
  subscribe(actionId: string, actionDir: string): void;
  /** Delivers a trigger to its action (by `dataActionId`, or `options.to`) and resolves with the case's result. */
  publish(trigger: Record<string, unknown>, options?: PublishOptions): Promise<CaseResult>;
  /** True when someone listens, so emitters can skip building events nobody reads. */
  readonly active: boolean;
}

/**
 * Creates a mock event bus. `runCases({ bus })` delivers every case through it; `publish` needs `deliver`
 * (`createBus()` from the package root supplies the runner).
 * @example
 * const bus = createEventBus();
 * bus.on("validation.failed", (e) => console.log(e.case, e.issues));
 * const recording = bus.intercept();
 */
export function createEventBus(deliver?: Deliver): EventBus {
  const listeners = new Map<string, Set<(event: BusEvent) => void>>();
  const interceptions = new Set<DeliveredTrigger[]>();
  const routes = new Map<string, string>();
  let published = 0;

  const add = (key: string, listener: (event: BusEvent) => void): (() => void) => {
    let set = listeners.get(key);
    if (set === undefined) listeners.set(key, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  };

  const bus: EventBus = {
    get active() {
      return interceptions.size > 0 || [...listeners.values()].some((set) => set.size > 0);
    },
    on(type, listener) {
      return add(type, listener as (event: BusEvent) => void);
    },
    onAny(listener) {
      return add("*", listener);
    },
    emit(event) {
      if (event.type === "trigger.received") {
        for (const recording of interceptions) recording.push({ action: event.action, case: event.case, trigger: event.trigger, at: event.at });
      }
      for (const key of [event.type, "*"]) {
        for (const listener of listeners.get(key) ?? []) {
          // A listener that throws must not break the run or the other listeners.
          try {
            listener(event);
          } catch {
            /* ignored on purpose */
          }
        }
      }
    },
    intercept() {
      const triggers: DeliveredTrigger[] = [];
      interceptions.add(triggers);
      return { triggers, stop: () => void interceptions.delete(triggers) };
    },
    subscribe(actionId, actionDir) {
      routes.set(actionId, actionDir);
    },
    async publish(trigger, options = {}) {
      if (deliver === undefined)
        throw new CxdaError("E_USAGE", "this bus cannot publish: create it with createBus() from the package, which can run actions");
      const target = options.to ?? (typeof trigger.dataActionId === "string" ? trigger.dataActionId : undefined);
      if (target === undefined) throw new CxdaError("E_USAGE", "the trigger has no dataActionId; set it, or pass { to: actionId }");
      const dir = routes.get(target);
      if (dir === undefined) {
        const known = [...routes.keys()];
        throw new CxdaError(
          "E_USAGE",
          `no action is subscribed for "${target}"; subscribed: ${known.length > 0 ? known.join(", ") : "none (call bus.subscribe(id, dir) first)"}`,
        );
      }
      published++;
      const single: CaseDefinition = { name: options.name ?? `published #${published}`, payload: trigger, expect: options.expect ?? {} };
      if (options.vars !== undefined) single.vars = options.vars;
      if (options.now !== undefined) single.now = options.now;
      return deliver(dir, single, bus);
    },
  };
  return bus;
}
