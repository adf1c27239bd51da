import { existsSync, readdirSync, realpathSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { runRootTool } from "../../support/run-tool.js";
import type { BlockProblem } from "./document-check-types.js";
import type { MarkdownBlock } from "./markdown-blocks.js";

/**
 * What a `fragment` may use without declaring it: a declaration is added for each of these names
 * the block refers to and does not declare itself. Values are things the surrounding app has
 * (`server`, `logger`, `config`); imports are the ones every example would start with.
 */
export const fragmentContext: Readonly<Record<string, string>> = {
  createPipeline: 'import { createPipeline } from "@framepipe/core";',
  definePipeline: 'import { definePipeline } from "@framepipe/core";',
  defineSource: 'import { defineSource } from "@framepipe/core/plugin";',
  defineTransform: 'import { defineTransform } from "@framepipe/core/plugin";',
  defineSink: 'import { defineSink } from "@framepipe/core/plugin";',
  z: 'import { z } from "zod";',
  expect: 'import { expect } from "vitest";',
  websocketSource: 'import websocketSource from "@framepipe/source-websocket";',
  fsSink: 'import fsSink from "@framepipe/sink-fs";',
  s3Sink: 'import s3Sink from "@framepipe/sink-s3";',
  EMPTY: 'import { EMPTY } from "rxjs";',
  Observable: 'import type { Observable } from "rxjs";',
  RecallEvent: 'import type { RecallEvent } from "@framepipe/core";',
  IncomingFrame: 'import type { IncomingFrame } from "@framepipe/core/plugin";',
  FrameOutcome: 'import type { FrameOutcome } from "@framepipe/core/plugin";',
  VideoFrame: 'import type { VideoFrame } from "@framepipe/core/plugin";',
  StreamInfo: 'import type { StreamInfo } from "@framepipe/core/plugin";',
  GroupInfo: 'import type { GroupInfo } from "@framepipe/core/plugin";',
  Awaitable: "type Awaitable<T> = T | Promise<T>;",
  server: 'declare const server: import("node:http").Server;',
  logger: 'declare const logger: import("@framepipe/core").Logger;',
  config: 'declare const config: import("@framepipe/core").PipelineConfigInput;',
  plugins: 'declare const plugins: import("@framepipe/core").AnyPluginDefinition[];',
  metrics: 'declare const metrics: import("@framepipe/core").PrometheusPipelineMetrics;',
  s3Client: 'declare const s3Client: import("@aws-sdk/client-s3").S3Client;',
  pipeline: 'declare const pipeline: import("@framepipe/core").Pipeline;',
  frame: 'declare const frame: import("@framepipe/core").VideoFrame;',
  context: 'declare const context: import("@framepipe/core").PluginContext;',
  client: 'declare const client: { put(frame: import("@framepipe/core").VideoFrame): Promise<void> };',
  isRetryable: "declare function isRetryable(error: unknown): boolean;",
  handle: 'declare function handle(frame: import("@framepipe/core").IncomingFrame): void;',
  log: "declare const log: Console;",
  messages$: 'declare const messages$: import("rxjs").Observable<Buffer | string>;',
  socket: 'declare const socket: import("ws").WebSocket;',
  png: "declare const png: Buffer;",
  uploads: "declare const uploads: unknown[];",
  directory: "declare const directory: string;",
  pathOf: 'declare function pathOf(frame: import("@framepipe/core").VideoFrame): string;',
  readFile: 'import { readFile } from "node:fs/promises";',
};

/**
 * The calls a `fragment=<call>` block may be the inside of, with the properties supplied when the
 * block has none: a minimal plugin for the `define*` of plugins, an empty graph for `definePipeline`.
 */
const callWrappers: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  defineSource: {
    type: 'type: "documentation-example",',
    summary: 'summary: "A documentation example.",',
    options: "options: z.record(z.string(), z.any()),",
    create: "create: () => ({ events$: EMPTY }),",
  },
  defineTransform: {
    type: 'type: "documentation-example",',
    summary: 'summary: "A documentation example.",',
    options: "options: z.record(z.string(), z.any()),",
    create: "create: () => ({ process: (frame) => frame }),",
  },
  defineSink: {
    type: 'type: "documentation-example",',
    summary: 'summary: "A documentation example.",',
    options: "options: z.record(z.string(), z.any()),",
    create: "create: () => ({ write: () => undefined }),",
  },
  definePipeline: { version: "version: 1,", sources: "sources: {},", sinks: "sinks: {}," },
};

/** Packages the docs import that the workspace does not install: declared just enough to type-check. */
const shims = `declare module "pg" {
  export interface Pool {
    query(...args: unknown[]): Promise<unknown>;
  }
}
`;

/** A documented code block written as a file of the type-checked program. */
export interface CodeFile {
  /** The Markdown file, relative to the repository root. */
  readonly document: string;
  readonly block: MarkdownBlock;
  /** Absolute path of the written file. */
  readonly path: string;
  /** For each line of the file: the Markdown line it comes from, or undefined for added lines. */
  readonly lines: readonly (number | undefined)[];
}

const escapeName = (name: string) => name.replace(/\$/g, "\\$");

/** Names a block declares at its top level (imports included), as far as a pattern can tell. */
function declares(source: string, name: string): boolean {
  const word = `\\b${escapeName(name)}(?![\\w$])`;
  return (
    new RegExp(`\\b(?:const|let|var|function\\*?|class|interface|type|enum)\\s+${word}`).test(source) ||
    new RegExp(`\\b(?:const|let|var)\\s*[{[][^=]*${word}[^=]*\\]?}?\\s*=`).test(source) ||
    new RegExp(`^\\s*import\\b[^;]*${word}[^;]*\\bfrom\\b`, "m").test(source)
  );
}

/** True when the block uses `name` as a value or type (not as a property key or member). */
function refersTo(source: string, name: string): boolean {
  return new RegExp(`(?<![.\\w$])${escapeName(name)}(?![\\w$])(?!\\s*:(?!:))`).test(source);
}

/** Splits leading import statements (which must stay at the top of a wrapped block) from the rest. */
function leadingImports(lines: readonly string[]): number {
  let index = 0;
  let inImport = false;
  while (index < lines.length) {
    const line = (lines[index] ?? "").trim();
    if (inImport) {
      if (/\bfrom\s*["'][^"']+["'];?$/.test(line)) inImport = false;
    } else if (/^import\b/.test(line)) {
      inImport = !/\bfrom\s*["'][^"']+["'];?$/.test(line) && !/^import\s*["']/.test(line);
    } else if (line !== "" && !line.startsWith("//")) {
      break;
    }
    index += 1;
  }
  return index;
}

/**
 * The source of a `ts`/`js` block as type-checked: as written when it is a whole module; with a
 * `fragment`, declarations of the {@link fragmentContext} names it uses; with
 * `fragment=defineSink` (or `defineSource`, `defineTransform`, `definePipeline`), also inside
 * that call, with the properties it needs supplied when the block has none.
 */
export function codeSource(
  block: MarkdownBlock,
  fragment: string | true | undefined,
): { readonly text: string; readonly lines: readonly (number | undefined)[] } | { readonly problem: string } {
  const own = block.lines.map((text, index) => ({ text, line: block.line + 1 + index }));
  const out: { text: string; line?: number }[] = [];
  if (fragment === undefined) {
    out.push(...own);
  } else {
    const wrapper = fragment === true ? undefined : callWrappers[fragment];
    if (fragment !== true && wrapper === undefined) {
      return {
        problem: `fragment=${fragment}: use fragment (statements) or fragment=${Object.keys(callWrappers).join("|")} (the inside of that call)`,
      };
    }
    const source = block.lines.join("\n");
    const supplied = Object.entries(wrapper ?? {}).filter(
      ([key]) => !new RegExp(`^\\s*(?:async\\s+)?${key}\\s*[(:]`, "m").test(source),
    );
    // The context names the block uses, or the code added around it (the call, `z` in options…),
    // that the block does not declare itself.
    const usedBy = (text: string) => Object.keys(fragmentContext).filter((name) => refersTo(text, name));
    const added = wrapper === undefined ? [] : [String(fragment), ...supplied.map(([, text]) => text)];
    const needed = new Set([source, ...added].flatMap(usedBy).filter((name) => !declares(source, name)));
    const importCount = wrapper === undefined ? 0 : leadingImports(block.lines);
    out.push(...own.slice(0, importCount));
    out.push(...[...needed].map((name) => ({ text: fragmentContext[name] ?? "" })));
    if (wrapper === undefined) {
      out.push(...own);
    } else {
      out.push({ text: `export default ${fragment}({` });
      out.push(...supplied.map(([, text]) => ({ text: `  ${text}` })));
      out.push(...own.slice(importCount));
      out.push({ text: "});" });
    }
  }
  out.push({ text: "export {};" });
  return { text: `${out.map((line) => line.text).join("\n")}\n`, lines: out.map((line) => line.line) };
}

/** Packages imported by these sources (`@scope/name` or `name`), node builtins excluded. */
function importedPackages(sources: readonly string[]): Set<string> {
  const names = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"'./][^"']*)["']/g;
  for (const source of sources) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[1] ?? "";
      if (specifier.startsWith("node:")) continue;
      const parts = specifier.split("/");
      names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
    }
  }
  return names;
}

function resolvableFrom(folder: string, name: string): boolean {
  for (let current = folder; ; current = dirname(current)) {
    if (existsSync(join(current, "node_modules", name))) return true;
    if (dirname(current) === current) return false;
  }
}

/**
 * Makes every package the blocks import resolvable from `root`, as in a project that installed
 * it: packages not resolvable there already (express, ws, sharp, tsyringe…) are linked from the
 * workspace folder that has them, with their `@types` package when there is one.
 */
async function linkImportedPackages(root: string, repoRoot: string, sources: readonly string[]): Promise<void> {
  const holders = ["packages", "examples", "tests"].flatMap((parent) =>
    existsSync(join(repoRoot, parent))
      ? readdirSync(join(repoRoot, parent), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(repoRoot, parent, entry.name))
      : [],
  );
  holders.push(join(repoRoot, "bench"));
  for (const name of importedPackages(sources)) {
    const typesName = `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;
    for (const wanted of [name, typesName]) {
      if (resolvableFrom(root, wanted)) continue;
      const holder = holders.find((folder) => existsSync(join(folder, "node_modules", wanted)));
      if (holder === undefined) continue;
      const link = join(root, "node_modules", wanted);
      await mkdir(dirname(link), { recursive: true });
      await symlink(realpathSync(join(holder, "node_modules", wanted)), link, "dir");
    }
  }
}

/**
 * Type-checks every written code block in one `tsc` run over a generated tsconfig at `root`
 * (strict, NodeNext: the settings of this repository and of `framepipe new plugin`'s packages),
 * and maps each error back to its Markdown line.
 */
export async function typeCheckCodeFiles(
  root: string,
  repoRoot: string,
  files: readonly CodeFile[],
  sources: readonly string[],
): Promise<{ document: string; problem: BlockProblem }[]> {
  if (files.length === 0) return [];
  await linkImportedPackages(root, repoRoot, sources);
  await writeFile(join(root, "documentation-shims.d.ts"), shims);
  // createPipeline takes `unknown` and validates at run time; in the docs' examples its config is
  // checked as what definePipeline takes, so a misspelt section or runtime option fails here.
  const core = JSON.stringify(relative(root, join(repoRoot, "packages/core/src/index.js")));
  await writeFile(
    join(root, "documentation-core.d.ts"),
    `export * from ${core};
import type { CreatePipelineOptions, Pipeline, PipelineConfig, PipelineConfigInput } from ${core};
export declare function createPipeline(
  config: PipelineConfigInput | PipelineConfig,
  options?: CreatePipelineOptions,
): Promise<Pipeline>;
`,
  );
  await writeFile(
    join(root, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2023",
        lib: ["ES2023"],
        module: "NodeNext",
        moduleResolution: "NodeNext",
        types: ["node"],
        strict: true,
        noUncheckedIndexedAccess: true,
        verbatimModuleSyntax: true,
        allowJs: true,
        checkJs: true,
        skipLibCheck: true,
        noEmit: true,
        paths: { "@framepipe/core": ["./documentation-core.d.ts"] },
      },
      files: ["documentation-shims.d.ts", ...files.map((file) => relative(root, file.path))],
    }),
  );
  const run = await runRootTool("tsc", ["-p", "tsconfig.json", "--pretty", "false"], root, 180_000);
  if (run.code === 0) return [];
  const byPath = new Map(files.map((file) => [resolve(file.path), file]));
  const problems: { document: string; problem: BlockProblem }[] = [];
  let last: { problem: { line: number; message: string } } | undefined;
  for (const text of run.output.split("\n")) {
    const error = /^(.+?)\((\d+),(\d+)\): (error TS\d+: .*)$/.exec(text);
    if (error === null) {
      if (last !== undefined && /^\s+\S/.test(text)) last.problem.message += ` ${text.trim()}`;
      continue;
    }
    const file = byPath.get(resolve(root, error[1] ?? ""));
    if (file === undefined) {
      last = { problem: { line: 1, message: `typescript: ${text}` } };
      problems.push({ document: "(type-check)", ...last });
      continue;
    }
    const mapped = file.lines[Number(error[2]) - 1];
    const message = `${file.block.language}: ${error[4]}${mapped === undefined ? " (in what the test adds to the fragment)" : ""}`;
    last = { problem: { line: mapped ?? file.block.line, message } };
    problems.push({ document: file.document, ...last });
  }
  if (problems.length === 0) problems.push({ document: "(type-check)", problem: { line: 1, message: run.output } });
  return problems;
}
