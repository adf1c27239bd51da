import {
  type AnyPluginDefinition,
  builtinPlugins,
  type ComponentKind,
  describePluginOptions,
  type PluginOptionDescription,
  pathTemplateFields,
} from "@framepipe/core";
// Core does not export its section schemas (they are internals of config validation); the
// reference reads them from the source, which is what this repository-only generator is for.
import { apiSchema, logSchema, onErrorSchema, runtimeSchema } from "../../../core/src/config/section-schemas.js";
import { officialPackageOf } from "../../src/official-plugins.js";

/** The command that rewrites docs/config-reference.md, run from the repository root. */
export const regenerateCommand = "pnpm tsx scripts/generate-config-reference.ts";

/** A zod schema as far as the reference needs it: walk its definition. */
interface LooseSchema {
  readonly _zod: { readonly def: Readonly<Record<string, unknown>> & { readonly type: string } };
}

type Section = { readonly name: string; readonly schema: unknown; readonly intro: string };

const sections: readonly Section[] = [
  {
    name: "runtime",
    schema: runtimeSchema,
    intro: "Flow control and lifecycle, for the whole pipeline. See [flow-control.md](flow-control.md).",
  },
  {
    name: "api",
    schema: apiSchema,
    intro:
      "The HTTP API `framepipe run` serves: Prometheus `/metrics`, `/health`, `/ready`. See [operations.md](operations.md).",
  },
  { name: "log", schema: logSchema, intro: "Logging of `framepipe run`." },
];

const kindTitles: Readonly<Record<ComponentKind, string>> = {
  source: "Sources",
  transform: "Transforms",
  sink: "Sinks",
};

const wrapperTypes = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

/** The layer of a schema that gives the value its shape (inside optional/default/pipe wrappers). */
function innermost(schema: LooseSchema): LooseSchema {
  let current = schema;
  for (let depth = 0; depth < 32; depth += 1) {
    const definition = current._zod.def;
    const next = wrapperTypes.has(definition.type)
      ? definition.innerType
      : definition.type === "pipe"
        ? definition.in
        : undefined;
    if (next === undefined) return current;
    current = next as LooseSchema;
  }
  return current;
}

/** The object schemas a schema accepts: itself, or the object branches of a union. */
function objectSchemasOf(schema: LooseSchema): LooseSchema[] {
  const core = innermost(schema);
  if (core._zod.def.type === "object") return [core];
  if (core._zod.def.type !== "union") return [];
  return (core._zod.def.options as LooseSchema[]).flatMap((branch) => objectSchemasOf(branch));
}

function shapeOf(schema: LooseSchema): Readonly<Record<string, LooseSchema>> {
  const [object] = objectSchemasOf(schema);
  return (object?._zod.def.shape ?? {}) as Readonly<Record<string, LooseSchema>>;
}

/** Text for a table cell: one line, `|` escaped, and `<key>` or `*` kept literal instead of read as HTML or emphasis. */
function cell(text: string): string {
  return codeCell(text).replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\*/g, "\\*");
}

/** Text for a code span inside a table cell: only `|` needs escaping there. */
function codeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function defaultCell(option: PluginOptionDescription): string {
  if (option.required) return "**required**";
  if (option.secret || option.default === undefined) return "";
  const value = typeof option.default === "string" ? option.default : JSON.stringify(option.default);
  return `\`${codeCell(value)}\``;
}

function optionRows(schema: unknown, prefix = ""): string[] {
  const loose = schema as LooseSchema;
  const shape = shapeOf(loose);
  const rows: string[] = [];
  for (const option of describePluginOptions({ options: schema as AnyPluginDefinition["options"] })) {
    const child = shape[option.name];
    const description = `${option.description ?? ""}${option.secret ? " Secret: never printed." : ""}`.trim();
    rows.push(`| \`${prefix}${option.name}\` | ${cell(option.type)} | ${defaultCell(option)} | ${cell(description)} |`);
    // One level of nesting (`crop.left`, `credentials.accessKeyId`): objects written inline.
    if (prefix === "" && child !== undefined) {
      for (const nested of objectSchemasOf(child)) rows.push(...optionRows(nested, `${option.name}.`));
    }
  }
  return rows;
}

function optionTable(schema: unknown): string {
  const rows = optionRows(schema);
  if (rows.length === 0) return "No options.";
  return ["| Option | Type | Default | Description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function packageOf(definition: AnyPluginDefinition): string {
  if (builtinPlugins.includes(definition as (typeof builtinPlugins)[number])) return "Built into `@framepipe/core`.";
  // A package may hold several plugins (transform-resize has `dedupe-similar` too), so the name
  // comes from the CLI's list, and `@framepipe/<kind>-<type>` only for plugins outside it.
  const name = officialPackageOf(definition) ?? `@framepipe/${definition.kind}-${definition.type}`;
  return `Package: \`${name}\`.`;
}

function pluginSection(definition: AnyPluginDefinition): string {
  return [
    `### ${definition.kind} \`${definition.type}\``,
    "",
    definition.summary,
    "",
    packageOf(definition),
    "",
    optionTable(definition.options),
  ].join("\n");
}

function onErrorDescription(): string {
  const description = (onErrorSchema as unknown as { description?: string }).description ?? "";
  return cell(description);
}

/**
 * The Markdown of docs/config-reference.md: the top-level keys, the keys every component has, the
 * `runtime`/`api`/`log` sections and every given plugin's options, all from their zod schemas.
 */
export function renderConfigReference(definitions: readonly AnyPluginDefinition[]): string {
  const parts: string[] = [
    "# Configuration reference",
    "",
    `<!-- Generated from the zod schemas by scripts/generate-config-reference.ts: do not edit by hand. Regenerate with \`${regenerateCommand}\`. -->`,
    "",
    "Every key a pipeline file accepts, generated from the same schemas `framepipe validate` uses, so it",
    "cannot drift from the code. How the file fits together (ids, `inputs`, environment variables) is",
    "explained in [configuration.md](configuration.md); `framepipe plugins` prints the same options in a",
    "terminal, and `framepipe schema` gives them to your editor.",
    "",
    "A **duration** or a **size** follows one rule for every option: see",
    "[durations and sizes](configuration.md#durations-and-sizes). Options marked secret are never",
    "printed: `framepipe validate`, logs and error messages show `[redacted]`.",
    "",
    "## Top level",
    "",
    "| Key | Type | Default | Description |",
    "| --- | --- | --- | --- |",
    "| `version` | `1` | **required** | Config format version: 1. |",
    "| `sources` | map of id → source | | Components producing frames, keyed by component id (letters, digits, `-`, `_`). |",
    "| `transforms` | map of id → transform | | Components changing, dropping or selecting frames. |",
    "| `sinks` | map of id → sink | | Components writing frames somewhere. |",
    "| `runtime` | object | | Flow control and lifecycle; see [runtime](#runtime). |",
    "| `api` | object | | The HTTP API; see [api](#api). |",
    "| `log` | object | | Logging; see [log](#log). |",
    "| `plugins` | list of string | `[]` | Extra plugin modules: paths relative to the config file (`./plugins/blur.ts`) or package names. |",
    "| `x-…` | anything | | Ignored: a place for YAML anchors shared by several components. |",
    "",
    "## Keys of every component",
    "",
    "Beside these, a component's keys are its plugin's options (below), written flat.",
    "",
    "| Key | Type | Default | Description |",
    "| --- | --- | --- | --- |",
    "| `type` | string | **required** | The plugin: a built-in, an official `@framepipe/<kind>-<type>` package, or one from `plugins`. |",
    "| `inputs` | list of component ids | **required** (transforms and sinks) | Upstream sources or transforms: several inputs merge (fan-in); one id listed by several components is shared (fan-out). Sources take no inputs. |",
    `| \`onError\` | enum drop\\|dead-letter\\|fail | \`drop\` | ${onErrorDescription()} |`,
  ];
  for (const section of sections) {
    parts.push("", `## ${section.name}`, "", section.intro, "", optionTable(section.schema));
  }
  for (const kind of ["source", "transform", "sink"] as const) {
    const ofKind = definitions.filter((definition) => definition.kind === kind);
    if (ofKind.length === 0) continue;
    parts.push("", `## ${kindTitles[kind]}`);
    for (const definition of ofKind) parts.push("", pluginSection(definition));
  }
  parts.push(
    "",
    "## Path template placeholders",
    "",
    "For the `path`, `key` and similar template options of sinks; see [templates.md](templates.md).",
    "",
    "| Placeholder | Renders |",
    "| --- | --- |",
    ...pathTemplateFields.map((field) => `| \`{${codeCell(field.name)}}\` | ${cell(field.description)} |`),
    "",
  );
  return parts.join("\n");
}

/**
 * The lines of a Markdown document with table cells trimmed, so a formatter that re-aligns table
 * columns does not make a fresh reference look stale.
 */
export function normalisedLines(markdown: string): string[] {
  return markdown
    .replace(/\r\n/g, "\n")
    .trimEnd()
    .split("\n")
    .map((line) => {
      const trimmed = line.trimEnd();
      if (!trimmed.startsWith("|")) return trimmed;
      const cells = trimmed
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((text) => text.trim());
      return cells.every((text) => /^:?-+:?$/.test(text)) ? cells.map(() => "---").join("|") : cells.join("|");
    });
}
