import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadPipelineConfig } from "@framepipe/core";
import { officialPlugins } from "../../../src/official-plugins.js";
import { cliPackageDirectory } from "../../../src/package-info.js";
import type { BlockProblem } from "./document-check-types.js";
import { documentedCodePlugins, documentedPluginModules } from "./documented-plugins.js";
import type { MarkdownBlock } from "./markdown-blocks.js";

/**
 * What a `fragment` completes into, section by section, for the sections the block does not have:
 * a websocket source `recall`, the resize transform `thumbs` (only when the block mentions it) and
 * an fs sink `disk` reading every source and transform. `fragment=transforms` (a section) takes
 * the block's lines as components of that section; `fragment=sinks.disk` (a component here) as
 * options of that component, beside the base's.
 */
export const basePipeline: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>> = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: config text, interpolated by the loader.
  sources: { recall: { type: "websocket", port: 8080, path: "/recall/", token: "${FRAMEPIPE_TOKEN}" } },
  transforms: { thumbs: { type: "resize", inputs: ["recall"], width: 320, height: 180, format: "jpeg" } },
  sinks: { disk: { type: "fs", inputs: [], dir: "./frames" } },
};

const documentedPluginsFile = new URL("./documented-plugins.ts", import.meta.url).href;

/** The top-level keys of a YAML text, and the component ids under `sources:` and `transforms:`. */
function outline(lines: readonly string[]): { keys: Set<string>; ids: string[] } {
  const keys = new Set<string>();
  const ids: string[] = [];
  let section = "";
  for (const line of lines) {
    const key = /^(?:"([^"]+)"|([A-Za-z0-9_.-]+))\s*:/.exec(line);
    if (key !== null) {
      section = key[1] ?? key[2] ?? "";
      keys.add(section);
      continue;
    }
    const id = /^ {2}(?:"([^"]+)"|([A-Za-z0-9_-]+))\s*:/.exec(line);
    if (id !== null && (section === "sources" || section === "transforms")) ids.push(id[1] ?? id[2] ?? "");
  }
  return { keys, ids };
}

/** The block's text, completed when it is a fragment, and how many lines come before the block's own. */
export function pipelineText(
  block: MarkdownBlock,
  fragment: string | true | undefined,
): { text: string; offset: number } | { problem: string } {
  if (fragment === undefined) return { text: `${block.lines.join("\n")}\n`, offset: 0 };
  let target: { section: string; id?: string } | undefined;
  if (fragment !== true) {
    const [section = "", id, ...rest] = fragment.split(".");
    if (
      basePipeline[section] === undefined ||
      (id !== undefined && basePipeline[section]?.[id] === undefined) ||
      rest.length > 0
    ) {
      return {
        problem: `fragment=${fragment}: name a section (${Object.keys(basePipeline).join(", ")}) or a component of the base pipeline (${Object.entries(
          basePipeline,
        )
          .flatMap(([name, components]) => Object.keys(components).map((componentId) => `${name}.${componentId}`))
          .join(", ")}), or write \`fragment\` for top-level sections`,
      };
    }
    target = id === undefined ? { section } : { section, id };
  }
  // The block's lines, indented to where they belong: top level, a section's components, a component's options.
  const depth = target === undefined ? 0 : target.id === undefined ? 2 : 4;
  const ownLines = block.lines.map((line) => (line === "" ? line : `${" ".repeat(depth)}${line}`));
  const before: string[] = target === undefined ? [] : [`${target.section}:`];
  if (target?.id !== undefined) before.push(`  ${target.id}:`);
  const own = outline(depth === 4 ? [] : [...before, ...ownLines]);
  const ownOptions = depth === 4 ? outline(block.lines).keys : new Set<string>();
  const mentionsThumbs = block.lines.some((line) => /\bthumbs\b/.test(line));
  const added = {
    sources: !own.keys.has("sources") && target?.section !== "sources",
    transforms: !own.keys.has("transforms") && target?.section !== "transforms" && mentionsThumbs,
    sinks: !own.keys.has("sinks") && target?.section !== "sinks",
  };
  const readable = [
    ...own.ids,
    ...(added.sources || target?.id !== undefined ? Object.keys(basePipeline.sources ?? {}) : []),
    ...(added.transforms ? Object.keys(basePipeline.transforms ?? {}) : []),
  ];
  const component = (section: string, id: string): Record<string, unknown> => {
    const options = { ...basePipeline[section]?.[id] };
    if (section === "sinks" && Array.isArray(options.inputs) && options.inputs.length === 0) options.inputs = readable;
    return options;
  };
  if (target?.id !== undefined) {
    for (const [key, value] of Object.entries(component(target.section, target.id))) {
      if (!ownOptions.has(key)) before.push(`    ${key}: ${JSON.stringify(value)}`);
    }
  }
  const after: string[] = [];
  if (!own.keys.has("version")) after.push("version: 1");
  for (const section of ["sources", "transforms", "sinks"] as const) {
    if (!added[section]) continue;
    after.push(`${section}:`);
    for (const id of Object.keys(basePipeline[section] ?? {})) {
      after.push(`  ${id}: ${JSON.stringify(component(section, id))}`);
    }
  }
  return { text: `${[...before, ...ownLines, ...after].join("\n")}\n`, offset: before.length };
}

/** The module specifiers a pipeline text lists under `plugins:` (flow or block list). */
export function listedPlugins(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => /^"?plugins"?\s*:/.test(line));
  if (start === -1) return [];
  const unquote = (value: string) => value.trim().replace(/^["']|["']$/g, "");
  const flow = /:\s*\[(.*)\]/.exec(lines[start] ?? "");
  if (flow !== null) return (flow[1] ?? "").split(",").map(unquote).filter(Boolean);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^\s+-\s+("[^"]*"|'[^']*'|[^\s#]+)/.exec(line);
    if (item === null) {
      if (/^\S/.test(line)) break;
      continue;
    }
    items.push(unquote(item[1] ?? ""));
  }
  return items;
}

/**
 * Writes, beside a config, the modules it lists under `plugins:` that are not there yet: a file
 * relative to the Markdown file's folder (an example's `./plugins/motion-score.ts`), or one the
 * docs use without showing it whole ({@link documentedPluginModules}), as a module re-exporting it.
 */
async function provideListedModules(
  folder: string,
  documentFolder: string,
  specifiers: readonly string[],
): Promise<void> {
  for (const specifier of specifiers) {
    const relativePath = specifier.startsWith("./") || specifier.startsWith("../");
    const file = resolve(folder, specifier);
    if (relativePath && existsSync(file)) continue;
    const exported = documentedPluginModules[specifier];
    const besideDocument = resolve(documentFolder, specifier);
    let source: string;
    if (relativePath && existsSync(besideDocument)) {
      const url = JSON.stringify(pathToFileURL(besideDocument).href);
      source = `export * from ${url};\nexport { default } from ${url};\n`;
    } else if (exported !== undefined) {
      source = `export { ${exported} as default } from ${JSON.stringify(documentedPluginsFile)};\n`;
    } else {
      continue;
    }
    if (relativePath) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, source);
    } else {
      const packageFolder = join(folder, "node_modules", ...specifier.split("/"));
      await mkdir(packageFolder, { recursive: true });
      await writeFile(
        join(packageFolder, "package.json"),
        JSON.stringify({ name: specifier, type: "module", exports: "./index.js" }),
      );
      await writeFile(join(packageFolder, "index.js"), source);
    }
  }
}

/**
 * Validates a `yaml` (or `json pipeline`) block with the loader `framepipe validate` uses and
 * the official plugins: errors always, warnings of whole pipelines too (a fragment's base has
 * unread outputs by design). Problems point at the line of the Markdown file.
 */
export async function checkPipelineBlock(
  block: MarkdownBlock,
  options: {
    readonly syntax: "yaml" | "json";
    readonly fragment: string | true | undefined;
    readonly fileName: string | undefined;
    readonly folder: string;
    /** The Markdown file's folder: relative paths in a block may point there. */
    readonly documentFolder: string;
    readonly env: Readonly<Record<string, string>>;
  },
): Promise<BlockProblem[]> {
  if (options.syntax === "json" && options.fragment !== undefined) {
    return [{ line: block.line, message: "json: `fragment` is for YAML blocks; give the whole pipeline" }];
  }
  const composed = pipelineText(block, options.fragment);
  if ("problem" in composed) return [{ line: block.line, message: composed.problem }];
  const file = join(options.folder, options.fileName ?? `block-${block.line}.${options.syntax}`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, composed.text);
  await provideListedModules(dirname(file), options.documentFolder, listedPlugins(composed.text));
  const result = await loadPipelineConfig(file, {
    builtins: officialPlugins(),
    plugins: documentedCodePlugins,
    resolveFrom: [cliPackageDirectory],
    env: options.env,
  });
  const problems = result.ok ? result.warnings : result.problems;
  return problems
    .filter((problem) => problem.severity === "error" || options.fragment === undefined)
    .map((problem) => {
      const own = problem.line !== undefined ? problem.line - composed.offset : undefined;
      const inBlock = own !== undefined && own >= 1 && own <= block.lines.length;
      const where = problem.path === "" ? "" : `${problem.path}: `;
      const warning = problem.severity === "warning" ? "warning: " : "";
      const supplied = inBlock || options.fragment === undefined ? "" : " (in what the test adds to the fragment)";
      return {
        line: inBlock ? block.line + (own ?? 0) : block.line,
        message: `${options.syntax} pipeline: ${where}${warning}${problem.message}${supplied}`,
      };
    });
}
