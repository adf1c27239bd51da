import type { ComponentKind } from "../plugin/plugin-context.js";
import type { ConfigPath } from "./config-path.js";
import { closestMatch } from "./did-you-mean.js";
import { describeValue } from "./expectation.js";
import type { OnErrorPolicy } from "./pipeline-config.js";
import type { ProblemCollector } from "./problem-collector.js";
import { componentIdPattern } from "./section-schemas.js";

/** The config sections that hold components, with the kind of their entries. */
export const componentSections = [
  { section: "sources", kind: "source" },
  { section: "transforms", kind: "transform" },
  { section: "sinks", kind: "sink" },
] as const satisfies readonly { section: string; kind: ComponentKind }[];

/** The section name of a kind. */
export type ComponentSection = (typeof componentSections)[number]["section"];

/** A component as written, structurally checked but with its options not yet validated. */
export interface ComponentEntry {
  readonly id: string;
  readonly kind: ComponentKind;
  readonly section: ComponentSection;
  readonly path: ConfigPath;
  /** Undefined when missing or not a string (already reported). */
  readonly type: string | undefined;
  /** The string entries of `inputs`, with their index in the written list. */
  readonly inputs: readonly { readonly id: string; readonly index: number }[];
  readonly onError: OnErrorPolicy;
  /** Steps of this component allowed at once, when the entry sets it (transforms and sinks). */
  readonly concurrency: number | null;
  /** Everything except `type`, `inputs`, `onError` and `concurrency`: the plugin's options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The entry was not an object, or its inputs were unreadable: graph checks leave it alone. */
  readonly malformed: boolean;
  /** Its id was already used by an earlier component. */
  readonly duplicate: boolean;
}

const onErrorValues: readonly OnErrorPolicy[] = ["drop", "dead-letter", "fail"];
const reservedKeys = new Set(["type", "inputs", "onError", "concurrency"]);

/** True for a plain object (a YAML mapping). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `sources`/`transforms`/`sinks`, reporting shape problems (ids, type, inputs, onError). */
export function readComponentEntries(config: Record<string, unknown>, problems: ProblemCollector): ComponentEntry[] {
  const entries: ComponentEntry[] = [];
  const firstPathById = new Map<string, ConfigPath>();
  for (const { section, kind } of componentSections) {
    const value = config[section];
    if (value === undefined || value === null) continue;
    if (!isPlainObject(value)) {
      problems.error([section], `expected a map of ${section} keyed by component id, got ${describeValue(value)}`);
      continue;
    }
    for (const [id, written] of Object.entries(value)) {
      const path: ConfigPath = [section, id];
      if (!componentIdPattern.test(id)) {
        problems.error(path, `invalid component id \`${id}\`: use only letters, digits, "-" and "_"`, {
          anchor: "key",
        });
      }
      const earlier = firstPathById.get(id);
      if (earlier !== undefined) {
        problems.error(
          path,
          `duplicate component id \`${id}\`: already used by ${earlier.join(".")}; ids must be unique across sources, transforms and sinks`,
          { anchor: "key" },
        );
      } else {
        firstPathById.set(id, path);
      }
      entries.push(readEntry({ id, kind, section, path, written, duplicate: earlier !== undefined }, problems));
    }
  }
  return entries;
}

function readEntry(
  entry: {
    id: string;
    kind: ComponentKind;
    section: ComponentSection;
    path: ConfigPath;
    written: unknown;
    duplicate: boolean;
  },
  problems: ProblemCollector,
): ComponentEntry {
  const { id, kind, section, path, written, duplicate } = entry;
  const base = { id, kind, section, path, duplicate };
  if (!isPlainObject(written)) {
    problems.error(path, `expected a ${kind} (a map with \`type\` and its options), got ${describeValue(written)}`);
    return { ...base, type: undefined, inputs: [], onError: "drop", concurrency: null, options: {}, malformed: true };
  }

  let type: string | undefined;
  if (written.type === undefined || written.type === null) {
    problems.error([...path, "type"], `missing \`type\`: which ${kind} plugin to use`);
  } else if (typeof written.type !== "string" || written.type === "") {
    problems.error([...path, "type"], `expected a plugin type name, got ${describeValue(written.type)}`);
  } else {
    type = written.type;
  }

  let malformed = false;
  const inputs: { id: string; index: number }[] = [];
  if (kind === "source") {
    if (written.inputs !== undefined) {
      problems.error(
        [...path, "inputs"],
        "a source takes no inputs: sources produce frames, they do not receive them",
        {
          anchor: "key",
        },
      );
    }
  } else if (written.inputs !== undefined && written.inputs !== null) {
    if (!Array.isArray(written.inputs)) {
      problems.error(
        [...path, "inputs"],
        `expected a list of component ids such as [recall], got ${describeValue(written.inputs)}`,
      );
      malformed = true;
    } else {
      const seen = new Set<string>();
      written.inputs.forEach((input: unknown, index) => {
        if (typeof input !== "string") {
          problems.error([...path, "inputs", index], `expected a component id, got ${describeValue(input)}`);
          malformed = true;
        } else if (seen.has(input)) {
          problems.warning([...path, "inputs", index], `input \`${input}\` is listed twice`);
        } else {
          seen.add(input);
          inputs.push({ id: input, index });
        }
      });
    }
  }

  let onError: OnErrorPolicy = "drop";
  if (written.onError !== undefined) {
    if (typeof written.onError === "string" && (onErrorValues as readonly string[]).includes(written.onError)) {
      onError = written.onError as OnErrorPolicy;
    } else {
      const match = typeof written.onError === "string" ? closestMatch(written.onError, onErrorValues) : undefined;
      problems.error(
        [...path, "onError"],
        `expected one of ${onErrorValues.map((value) => `"${value}"`).join(", ")}, got ${describeValue(written.onError)}${
          match === undefined ? "" : `; did you mean "${match}"?`
        }`,
      );
    }
  }

  const concurrency = readConcurrency(written.concurrency, kind, path, problems);
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(written)) {
    if (!reservedKeys.has(key)) options[key] = value;
  }
  return { ...base, type, inputs, onError, concurrency, options, malformed };
}

/**
 * `concurrency:` of a transform or sink: how many of its steps (different streams) may run at
 * once. A whole number, or its digits as a string (what `${VAR}` interpolation gives in JSON).
 */
function readConcurrency(
  written: unknown,
  kind: ComponentKind,
  path: ConfigPath,
  problems: ProblemCollector,
): number | null {
  if (written === undefined || written === null) return null;
  if (kind === "source") {
    problems.error([...path, "concurrency"], "a source has no concurrency: only transforms and sinks run steps", {
      anchor: "key",
    });
    return null;
  }
  const value = typeof written === "string" && /^\d+$/.test(written.trim()) ? Number(written.trim()) : written;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1) return value;
  problems.error(
    [...path, "concurrency"],
    `expected a whole number of steps allowed at once (1 or more), got ${describeValue(written)}`,
  );
  return null;
}
