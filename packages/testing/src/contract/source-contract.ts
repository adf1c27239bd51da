import type { RecallEvent, SourceDefinition, SourceInstance } from "@framepipe/core";
import { isObservable, type Subscription } from "rxjs";
import { createTestContext } from "../test-context.js";
import {
  type ContractAssert,
  type ContractCheck,
  type ContractCheckResult,
  type ExpectLike,
  registerChecks,
  runChecks,
  type SuiteRunner,
  settleWithin,
} from "./contract-kit.js";
import { definitionChecks } from "./definition-checks.js";

type Awaitable<T> = T | Promise<T>;

/** The source under test. Give `create`, or `definition` (plus `validOptions`). */
export interface SourceContractSubject {
  /** A fresh instance per check. Default: `definition.create(validOptions, createTestContext())`. */
  readonly create?: () => Awaitable<SourceInstance>;
  readonly definition?: SourceDefinition;
  readonly validOptions?: unknown;
  /**
   * Makes a started source produce input (connect a fake Recall bot and send messages, write a
   * replay file) and resolves once it was sent. Without it, only the lifecycle is checked.
   */
  readonly drive?: (source: SourceInstance) => Awaitable<void>;
  /** Events `drive` must yield at least. Default 1 when `drive` is given. */
  readonly minimumEvents?: number;
  /** How long `events$` may take to complete after `stop()` before the check fails. Default 5000 ms. */
  readonly stopTimeoutMs?: number;
}

/** Options of {@link sourceContract}. */
export interface SourceContractOptions extends SourceContractSubject, SuiteRunner {}

const eventKinds = new Set<RecallEvent["kind"]>([
  "video-frame",
  "video-h264",
  "participant",
  "transcript",
  "audio",
  "unknown",
]);

async function createSource(subject: SourceContractSubject): Promise<SourceInstance> {
  if (subject.create) return subject.create();
  const definition = subject.definition;
  if (!definition) throw new TypeError("[framepipe] source contract needs create() or a definition");
  const options = definition.options.parse(subject.validOptions ?? {});
  return definition.create(
    options,
    createTestContext({ kind: "source", type: definition.type, componentId: "contract" }),
  );
}

interface Session {
  readonly source: SourceInstance;
  readonly events: RecallEvent[];
  /** Settles when events$ completes (resolves) or errors (rejects). */
  readonly done: Promise<void>;
  readonly subscription: Subscription;
}

/** Starts a source and subscribes once, in the order the runtime does. */
async function open(subject: SourceContractSubject): Promise<Session> {
  const source = await createSource(subject);
  await source.start?.();
  const events: RecallEvent[] = [];
  let subscription: Subscription | undefined;
  const done = new Promise<void>((resolve, reject) => {
    subscription = source.events$.subscribe({
      next: (event) => events.push(event),
      error: reject,
      complete: resolve,
    });
  });
  // Observed by the checks; keeps a source error from surfacing as an unhandled rejection first.
  done.catch(() => {});
  return { source, events, done, subscription: subscription as Subscription };
}

async function stopAndAwaitCompletion(session: Session, subject: SourceContractSubject): Promise<void> {
  await session.source.stop?.();
  const timeout = subject.stopTimeoutMs ?? 5000;
  await settleWithin(session.done, timeout, `events$ did not complete within ${timeout} ms of stop()`);
}

const sourceSpecificChecks: ReadonlyArray<ContractCheck<SourceContractSubject>> = [
  {
    name: "events$ is an Observable",
    async run(subject, assert: ContractAssert) {
      const source = await createSource(subject);
      const isObservableValue = isObservable(source.events$);
      await source.start?.();
      await source.stop?.();
      assert.ok(isObservableValue, "events$ must be an rxjs Observable");
    },
  },
  {
    name: "start, subscribe and stop: events$ completes",
    async run(subject) {
      const session = await open(subject);
      await stopAndAwaitCompletion(session, subject);
    },
  },
  {
    name: "emits typed events when driven, then completes on stop",
    appliesTo: (subject) => subject.drive !== undefined,
    async run(subject, assert: ContractAssert) {
      const session = await open(subject);
      try {
        await subject.drive?.(session.source);
      } finally {
        await stopAndAwaitCompletion(session, subject);
      }
      const minimum = subject.minimumEvents ?? 1;
      assert.ok(session.events.length >= minimum, `expected at least ${minimum} events, got ${session.events.length}`);
      for (const [index, event] of session.events.entries()) {
        assert.ok(eventKinds.has(event.kind), `event ${index} has unknown kind "${String(event.kind)}"`);
        assert.equal(typeof event.event, "string", `event ${index}: event name`);
        if (event.kind === "video-frame") {
          assert.ok(Buffer.isBuffer(event.frame.image.data), `event ${index}: frame.image.data is not a Buffer`);
          assert.equal(typeof event.frame.participant.id, "number", `event ${index}: participant id`);
        }
      }
    },
  },
  {
    name: "pause and resume do not throw",
    async run(subject) {
      const session = await open(subject);
      session.source.pause?.();
      session.source.resume?.();
      session.source.pause?.();
      await subject.drive?.(session.source);
      session.source.resume?.();
      await stopAndAwaitCompletion(session, subject);
    },
  },
  {
    name: "stop may be called twice",
    async run(subject) {
      const session = await open(subject);
      await stopAndAwaitCompletion(session, subject);
      await session.source.stop?.();
      session.subscription.unsubscribe();
    },
  },
];

/** Every check of the source contract: definition checks (when a definition is given), then behaviour. */
export const sourceChecks: ReadonlyArray<ContractCheck<SourceContractSubject>> = [
  ...definitionChecks<SourceContractSubject>("source"),
  ...sourceSpecificChecks,
];

/** Runs the source contract without a test runner. */
export function runSourceChecks(subject: SourceContractSubject, expect?: ExpectLike): Promise<ContractCheckResult[]> {
  return runChecks(sourceChecks, subject, expect);
}

/** Registers the source contract as tests from a plugin's own test file. */
export function sourceContract(options: SourceContractOptions): void {
  if (!options.create && !options.definition) {
    throw new TypeError("[framepipe] sourceContract needs create() or a definition");
  }
  const title = options.name ?? `source contract${options.definition ? ` (${options.definition.type})` : ""}`;
  registerChecks(sourceChecks, options, options, title);
}
