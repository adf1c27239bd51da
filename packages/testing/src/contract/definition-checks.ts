import { type AnyPluginDefinition, type ComponentKind, isPluginDefinition } from "@framepipe/core";
import type { ContractAssert, ContractCheck } from "./contract-kit.js";

/** What the definition checks need: the definition and options it must accept. */
export interface DefinitionSubject {
  readonly definition?: AnyPluginDefinition;
  /** Options the plugin's schema accepts (required options filled in). Default `{}`. */
  readonly validOptions?: unknown;
}

interface ZodLike {
  safeParse(value: unknown): { success: boolean; error?: { issues: ReadonlyArray<{ code?: string }> } };
  readonly description?: string;
  readonly _zod?: { readonly def?: { readonly innerType?: ZodLike; readonly shape?: Record<string, ZodLike> } };
}

const typePattern = /^[a-z][a-z0-9-]*$/;
const unknownKey = "__framepipeContractUnknownOption";

function schemaOf(subject: DefinitionSubject): ZodLike {
  return subject.definition?.options as unknown as ZodLike;
}

/** A description on the field itself or on what `.optional()`/`.default()`/`.nullable()` wrap. */
function isDescribed(schema: ZodLike | undefined): boolean {
  let current = schema;
  for (let depth = 0; current && depth < 8; depth += 1) {
    if (current.description) return true;
    current = current._zod?.def?.innerType;
  }
  return false;
}

/** Checks every plugin definition must pass, whatever its kind. */
export function definitionChecks<Subject extends DefinitionSubject>(
  kind: ComponentKind,
): ReadonlyArray<ContractCheck<Subject>> {
  const hasDefinition = (subject: Subject): boolean => subject.definition !== undefined;
  return [
    {
      name: `definition is a frozen ${kind} definition`,
      appliesTo: hasDefinition,
      async run(subject, assert: ContractAssert) {
        const definition = subject.definition;
        assert.ok(
          isPluginDefinition(definition),
          `the definition was not made by define${kind[0]?.toUpperCase()}${kind.slice(1)}()`,
        );
        assert.ok(Object.isFrozen(definition), "the definition is not frozen");
        assert.equal(definition.kind, kind, "definition.kind");
        assert.equal(typeof definition.create, "function", "definition.create must be a function");
      },
    },
    {
      name: "type is lowercase letters, digits and dashes",
      appliesTo: hasDefinition,
      async run(subject, assert: ContractAssert) {
        const type = subject.definition?.type;
        assert.ok(typeof type === "string" && typePattern.test(type), `type "${type}" does not match ${typePattern}`);
      },
    },
    {
      name: "summary is one non-empty line",
      appliesTo: hasDefinition,
      async run(subject, assert: ContractAssert) {
        const summary = subject.definition?.summary;
        assert.ok(typeof summary === "string" && summary.trim().length > 0, "summary is empty");
        assert.ok(!summary.includes("\n"), "summary spans several lines");
      },
    },
    {
      name: "options schema accepts the valid options",
      appliesTo: hasDefinition,
      async run(subject, assert: ContractAssert) {
        const schema = schemaOf(subject);
        assert.equal(typeof schema?.safeParse, "function", "options must be a zod schema");
        const result = schema.safeParse(subject.validOptions ?? {});
        assert.ok(
          result.success,
          "the schema rejects validOptions (pass validOptions to the suite when options are required)",
        );
      },
    },
    {
      name: "options schema rejects unknown keys",
      appliesTo: hasDefinition,
      async run(subject, assert: ContractAssert) {
        const valid = subject.validOptions ?? {};
        assert.ok(typeof valid === "object" && valid !== null, "validOptions must be an object");
        const result = schemaOf(subject).safeParse({ ...valid, [unknownKey]: true });
        assert.ok(!result.success, "an unknown option was accepted: use z.strictObject");
        const codes = result.error?.issues.map((issue) => issue.code) ?? [];
        assert.ok(codes.includes("unrecognized_keys"), `expected an unrecognized_keys issue, got ${codes.join(", ")}`);
      },
    },
    {
      name: "every option has a description",
      appliesTo: hasDefinition,
      async run(subject, assert: ContractAssert) {
        const shape = schemaOf(subject)._zod?.def?.shape ?? {};
        const undescribed = Object.keys(shape).filter((key) => !isDescribed(shape[key]));
        assert.deepEqual(
          undescribed,
          [],
          "options without .describe() (the README options table is generated from them)",
        );
      },
    },
  ];
}
