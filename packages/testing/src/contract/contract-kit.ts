import { strict as nodeAssert } from "node:assert";
import { randomUUID } from "node:crypto";

type Awaitable<T> = T | Promise<T>;

/** The part of vitest's (or jest's, or mocha's) `it` the suites use. */
export type ItLike = (name: string, run: () => Promise<void>) => unknown;

/** The part of vitest's `describe` the suites use. */
export type DescribeLike = (name: string, body: () => void) => unknown;

/** The part of vitest's `expect` the suites use. */
export type ExpectLike = (
  actual: unknown,
  message?: string,
) => {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeTruthy(): void;
};

/** Assertions a check makes; backed by the caller's `expect`, or by `node:assert` without one. */
export interface ContractAssert {
  ok(value: unknown, message: string): asserts value;
  equal(actual: unknown, expected: unknown, message: string): void;
  deepEqual(actual: unknown, expected: unknown, message: string): void;
}

/** Builds a {@link ContractAssert} on top of vitest's `expect` (diffs in the test report) or `node:assert`. */
export function createContractAssert(expect?: ExpectLike): ContractAssert {
  if (!expect) {
    return {
      ok: (value, message) => nodeAssert.ok(value, message),
      equal: (actual, expected, message) => nodeAssert.equal(actual, expected, message),
      deepEqual: (actual, expected, message) => nodeAssert.deepEqual(actual, expected, message),
    };
  }
  return {
    ok: (value, message) => {
      expect(Boolean(value), message).toBe(true);
    },
    equal: (actual, expected, message) => expect(actual, message).toBe(expected),
    deepEqual: (actual, expected, message) => expect(actual, message).toEqual(expected),
  };
}

/** One named check of a contract suite: throws (an assertion error) when the subject breaks the contract. */
export interface ContractCheck<Subject> {
  readonly name: string;
  /** When present and false for a subject, the check is not registered (e.g. no `definition` given). */
  readonly appliesTo?: (subject: Subject) => boolean;
  run(subject: Subject, assert: ContractAssert): Promise<void>;
}

/** The outcome of one check run by {@link runChecks}. */
export interface ContractCheckResult {
  readonly name: string;
  readonly passed: boolean;
  readonly error?: unknown;
}

/** Runs the checks that apply to `subject`, one after another, and reports each outcome. Never throws. */
export async function runChecks<Subject>(
  checks: ReadonlyArray<ContractCheck<Subject>>,
  subject: Subject,
  expect?: ExpectLike,
): Promise<ContractCheckResult[]> {
  const assert = createContractAssert(expect);
  const results: ContractCheckResult[] = [];
  for (const check of checks) {
    if (check.appliesTo && !check.appliesTo(subject)) continue;
    try {
      await check.run(subject, assert);
      results.push({ name: check.name, passed: true });
    } catch (error) {
      results.push({ name: check.name, passed: false, error });
    }
  }
  return results;
}

/** Options every contract suite takes besides its subject (keyv's pattern: the runner is passed in). */
export interface SuiteRunner {
  /** vitest's `it` (or any compatible test function). */
  readonly it: ItLike;
  /** vitest's `describe`; without it, test names are prefixed with the suite name instead. */
  readonly describe?: DescribeLike;
  /** vitest's `expect`, for readable diffs; `node:assert` is used without it. */
  readonly expect?: ExpectLike;
  /** Suite title. Defaults to `<kind> contract` (plus the plugin type when known). */
  readonly name?: string;
}

/** Registers one test per applicable check, inside a `describe` block when one is given. */
export function registerChecks<Subject>(
  checks: ReadonlyArray<ContractCheck<Subject>>,
  subject: Subject,
  runner: SuiteRunner,
  title: string,
): void {
  const assert = createContractAssert(runner.expect);
  const register = (prefix: string): void => {
    for (const check of checks) {
      if (check.appliesTo && !check.appliesTo(subject)) continue;
      runner.it(prefix + check.name, () => check.run(subject, assert));
    }
  };
  if (runner.describe) runner.describe(title, () => register(""));
  else register(`${title}: `);
}

/** A recording id no other check uses, so checks sharing one store do not see each other's frames. */
export function uniqueRecordingId(check: string): string {
  return `contract-${check}-${randomUUID()}`;
}

/**
 * Fails with `message` when `promise` has not settled within `milliseconds`. A guard against a
 * plugin that never answers (the check fails instead of hanging), not a synchronisation device.
 */
export async function settleWithin<T>(promise: Awaitable<T>, milliseconds: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), milliseconds);
  });
  try {
    return await Promise.race([Promise.resolve(promise), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
