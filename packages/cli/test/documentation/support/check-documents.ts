import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runCli } from "../../../src/program.js";
import { captureOutput } from "../../support/capture-output.js";
import { type CodeFile, codeSource, typeCheckCodeFiles } from "./check-code-blocks.js";
import { checkPipelineBlock } from "./check-pipeline-block.js";
import { checkShellBlock, type ShellContext } from "./check-shell-block.js";
import type { BlockProblem } from "./document-check-types.js";
import { type MarkdownBlock, markdownBlocks } from "./markdown-blocks.js";

/** What to check, and where the checks may write. */
export interface DocumentCheckOptions {
  readonly repoRoot: string;
  /** Markdown files, relative to `repoRoot`. */
  readonly documents: readonly string[];
  /** An empty folder inside the workspace (so that `@framepipe/*` resolve from it), removed by the caller. */
  readonly scratch: string;
  /** Variables the documented configs and commands may use (`FRAMEPIPE_TOKEN`…). */
  readonly env: Readonly<Record<string, string>>;
}

/** How a language's blocks were treated. */
export interface LanguageTally {
  exercised: number;
  illustrative: number;
  /** Output blocks (`text`, no language): shown, not checked. */
  output: number;
}

/** Every problem as `file:line: reason`, in file order, and what was done with each language's blocks. */
export interface DocumentCheckReport {
  readonly problems: readonly string[];
  readonly tally: Readonly<Record<string, LanguageTally>>;
}

const shellLanguages = new Set(["sh", "bash", "shell", "zsh"]);
const yamlLanguages = new Set(["yaml", "yml"]);
const codeLanguages = new Set(["ts", "typescript", "mts", "js", "javascript", "mjs"]);
const outputLanguages = new Set(["", "text", "txt", "log"]);

/** The words an info string may carry after its language. */
interface BlockMeta {
  readonly illustrative: boolean;
  /** `fragment` (true) or `fragment=<what>`. */
  readonly fragment: string | true | undefined;
  /** `file=<name>`: the block is that file of the page's scratch folder, for later blocks and commands. */
  readonly file: string | undefined;
  /** `usage`: a shell block of `framepipe` synopses (`<arg>`, `[options]`), checked against `--help`. */
  readonly usage: boolean;
  /** `pipeline`: a `json` block that is a pipeline file. */
  readonly pipeline: boolean;
  readonly unknown: readonly string[];
}

function blockMeta(block: MarkdownBlock): BlockMeta {
  let fragment: string | true | undefined;
  let file: string | undefined;
  const unknown: string[] = [];
  for (const word of block.meta) {
    const [key, value] = word.split("=", 2) as [string, string | undefined];
    if (key === "fragment") fragment = value ?? true;
    else if (key === "file" && value !== undefined && value !== "") file = value;
    else if (value !== undefined || !["illustrative", "usage", "pipeline"].includes(key)) unknown.push(word);
  }
  return {
    illustrative: block.meta.includes("illustrative"),
    fragment,
    file,
    usage: block.meta.includes("usage"),
    pipeline: block.meta.includes("pipeline"),
    unknown,
  };
}

/**
 * Checks `framepipe` synopsis lines (`framepipe schema [-o file] [--config file]`, `npx` allowed
 * in front): the command exists, each option it shows is one of that command's, and each
 * `<argument>` / `[argument]` is in the command's usage line.
 */
async function checkUsageBlock(block: MarkdownBlock): Promise<BlockProblem[]> {
  const problems: BlockProblem[] = [];
  for (const [index, raw] of block.lines.entries()) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    const where = block.line + 1 + index;
    const words = line.split(/\s+/);
    if (words[0] === "npx") words.shift();
    if (words[0] !== "framepipe") {
      problems.push({ line: where, message: `usage: \`${line}\` does not start with framepipe` });
      continue;
    }
    const path: string[] = [];
    for (const word of words.slice(1)) {
      if (/^[<[-]/.test(word)) break;
      path.push(word);
    }
    const output = captureOutput();
    const code = await runCli([...path, "--help"], output);
    const help = output.stdout();
    const usageLine = help.split("\n").find((text) => text.startsWith("Usage:")) ?? "";
    if (code !== 0 || !usageLine.startsWith(`Usage: framepipe ${path.join(" ")}`)) {
      problems.push({ line: where, message: `usage: \`framepipe ${path.join(" ")}\` is not a command` });
      continue;
    }
    for (const option of line.matchAll(/(?<![\w-])(--?[a-zA-Z][\w-]*)/g)) {
      const name = option[1] ?? "";
      if (!new RegExp(`(^|[\\s,])${name}([\\s,=]|$)`, "m").test(help)) {
        problems.push({ line: where, message: `usage: framepipe ${path.join(" ")} has no option ${name}` });
      }
    }
    for (const argument of line.matchAll(/<[\w-]+>|\[(?!-)[\w-]+\]/g)) {
      if (argument[0] !== "[options]" && !usageLine.includes(argument[0])) {
        problems.push({ line: where, message: `usage: ${argument[0]} is not in \`${usageLine}\`` });
      }
    }
  }
  return problems;
}

function tallyOf(tally: Record<string, LanguageTally>, language: string): LanguageTally {
  const key = language === "" ? "(none)" : language;
  tally[key] ??= { exercised: 0, illustrative: 0, output: 0 };
  return tally[key];
}

/**
 * Checks every fenced block of the documents: each is marked `illustrative` in its info string,
 * is output (`text`, or no language), or is exercised by its language (see docs/README.md,
 * "Code blocks in these docs"). Blocks of a page are checked in order, sharing a scratch folder,
 * so a command may use what an earlier block or command wrote; `ts`/`js` blocks of every page are
 * type-checked together at the end.
 */
export async function checkDocuments(options: DocumentCheckOptions): Promise<DocumentCheckReport> {
  const found: { document: string; problem: BlockProblem }[] = [];
  const tally: Record<string, LanguageTally> = {};
  const codeFiles: CodeFile[] = [];
  const codeSources: string[] = [];
  await writeFile(join(options.scratch, "package.json"), JSON.stringify({ private: true, type: "module" }));
  for (const document of options.documents) {
    const folder = join(options.scratch, document.replace(/\//g, "__").replace(/\.md$/, ""));
    await mkdir(folder, { recursive: true });
    const shell: ShellContext = {
      repoRoot: options.repoRoot,
      folder,
      env: new Map(Object.entries(options.env)),
      cwd: options.repoRoot,
    };
    const report = (problem: BlockProblem) => found.push({ document, problem });
    let pageFolder = options.repoRoot;
    const blocks = markdownBlocks(await readFile(join(options.repoRoot, document), "utf8"));
    for (const block of blocks) {
      const meta = blockMeta(block);
      const counts = tallyOf(tally, block.language);
      for (const word of meta.unknown) {
        report({
          line: block.line,
          message: `unknown word "${word}" in the info string (illustrative, fragment, fragment=…, file=…, usage, pipeline)`,
        });
      }
      if (meta.illustrative) {
        counts.illustrative += 1;
        continue;
      }
      try {
        if (outputLanguages.has(block.language)) {
          counts.output += 1;
        } else if (shellLanguages.has(block.language)) {
          counts.exercised += 1;
          // A page's blocks are one terminal session: `export`s and `cd`s inside the repository carry
          // on to later blocks; a `cd` out of it (`cd ~/my-app`, a reader's project) ends with its block.
          shell.cwd = pageFolder;
          const problems = meta.usage ? await checkUsageBlock(block) : await checkShellBlock(block, shell);
          pageFolder = shell.cwd ?? pageFolder;
          problems.forEach(report);
        } else if (yamlLanguages.has(block.language) || (block.language === "json" && meta.pipeline)) {
          counts.exercised += 1;
          const problems = await checkPipelineBlock(block, {
            syntax: block.language === "json" ? "json" : "yaml",
            fragment: meta.fragment,
            fileName: meta.file,
            folder,
            documentFolder: dirname(join(options.repoRoot, document)),
            env: Object.fromEntries(shell.env),
          });
          problems.forEach(report);
        } else if (block.language === "json") {
          counts.exercised += 1;
          try {
            JSON.parse(block.lines.join("\n"));
            if (meta.file !== undefined) await writeFile(join(folder, meta.file), block.lines.join("\n"));
          } catch (error) {
            report({ line: block.line, message: `json: ${error instanceof Error ? error.message : String(error)}` });
          }
        } else if (codeLanguages.has(block.language)) {
          counts.exercised += 1;
          const source = codeSource(block, meta.fragment);
          if ("problem" in source) {
            report({ line: block.line, message: source.problem });
            continue;
          }
          const extension = block.language.startsWith("j") || block.language === "mjs" ? "js" : "ts";
          const path = join(folder, meta.file ?? `block-${block.line}.${extension}`);
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, source.text);
          // A later block written to the same file (file=…) replaces the earlier one.
          const earlier = codeFiles.findIndex((file) => file.path === path);
          codeFiles.splice(earlier === -1 ? codeFiles.length : earlier, 1, {
            document,
            block,
            path,
            lines: source.lines,
          });
          codeSources.push(source.text);
        } else {
          report({
            line: block.line,
            message: `\`\`\`${block.language} blocks cannot be checked: mark the block \`\`\`${block.language} illustrative`,
          });
        }
      } catch (error) {
        report({
          line: block.line,
          message: `the check failed: ${error instanceof Error ? error.stack : String(error)}`,
        });
      }
    }
  }
  found.push(...(await typeCheckCodeFiles(options.scratch, options.repoRoot, codeFiles, codeSources)));
  const order = new Map(options.documents.map((document, index) => [document, index]));
  found.sort(
    (a, b) =>
      (order.get(a.document) ?? -1) - (order.get(b.document) ?? -1) ||
      a.problem.line - b.problem.line ||
      a.problem.message.localeCompare(b.problem.message),
  );
  return {
    problems: found.map(({ document, problem }) => `${document}:${problem.line}: ${problem.message}`),
    tally,
  };
}
