import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { CliOutput } from "../../../src/cli-output.js";
import { type CliActions, cliActions, runCli } from "../../../src/program.js";
import { captureOutput } from "../../support/capture-output.js";
import type { BlockProblem } from "./document-check-types.js";
import type { MarkdownBlock } from "./markdown-blocks.js";
import { expandWord, hasSubstitution, type RawShellCommand, shellCommands } from "./shell-words.js";

/** What the shell checks know about the repository and the page. */
export interface ShellContext {
  readonly repoRoot: string;
  /** The page's scratch folder: what its commands write, and the files its blocks name with `file=`. */
  readonly folder: string;
  /** Variables the commands see; `export` lines add to it for the rest of the page. */
  readonly env: Map<string, string>;
  /** Where the commands run: a folder of the repository, or undefined after `cd` out of it (a user's project). */
  cwd: string | undefined;
}

/** The vitest projects of vitest.config.ts, by name, with their folders: one per package, `example-<folder>` per tested example, and the listed ones. */
export function vitestProjects(repoRoot: string): Map<string, string> {
  const projects = new Map<string, string>();
  for (const name of directories(join(repoRoot, "packages"))) projects.set(name, join(repoRoot, "packages", name));
  for (const name of directories(join(repoRoot, "examples"))) {
    if (existsSync(join(repoRoot, "examples", name, "test")))
      projects.set(`example-${name}`, join(repoRoot, "examples", name));
  }
  const config = readFileSync(join(repoRoot, "vitest.config.ts"), "utf8");
  for (const match of config.matchAll(/\{\s*name:\s*"([\w-]+)",\s*root:\s*"([^"]+)"/g)) {
    projects.set(match[1] ?? "", join(repoRoot, match[2] ?? ""));
  }
  return projects;
}

/** Test files under a folder (node_modules and scratch folders left out). */
function testFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) return [];
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return /\.test\.[cm]?[jt]s$/.test(entry.name) ? [path] : [];
  });
}

function directories(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

/** The workspace's published package names, and every version the workspace pins, by package. */
function workspaceFacts(repoRoot: string) {
  const manifests = ["", "packages", "examples"].flatMap((parent) => {
    if (parent === "") return [join(repoRoot, "package.json")];
    return directories(join(repoRoot, parent)).map((name) => join(repoRoot, parent, name, "package.json"));
  });
  const published = new Set<string>();
  const pinned = new Map<string, Set<string>>();
  let packageManager: string | undefined;
  for (const file of manifests.filter((path) => existsSync(path))) {
    const manifest = JSON.parse(readFileSync(file, "utf8")) as {
      name?: string;
      private?: boolean;
      packageManager?: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    if (file === join(repoRoot, "package.json")) packageManager = manifest.packageManager;
    if (manifest.name !== undefined && manifest.private !== true) published.add(manifest.name);
    for (const [name, version] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (!/^\d/.test(version)) continue;
      const versions = pinned.get(name) ?? new Set<string>();
      versions.add(version);
      pinned.set(name, versions);
    }
  }
  return { published, pinned, packageManager };
}

function scriptsOf(folder: string): Record<string, string> | undefined {
  const file = join(folder, "package.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
}

/** Runs `fn` with these variables set in `process.env` (the commands read it), restoring them after. */
async function withEnv<T>(env: ReadonlyMap<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map([...env.keys()].map((name) => [name, process.env[name]]));
  for (const [name, value] of env) process.env[name] = value;
  try {
    return await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

type Invocation = { readonly command: keyof CliActions; readonly args: readonly unknown[] };

/** Actions that record what commander parsed and run nothing. */
function recordingActions(recorded: Invocation[]): CliActions {
  const record =
    (command: keyof CliActions) =>
    async (...args: unknown[]): Promise<number> => {
      recorded.push({ command, args: args.slice(0, -1) });
      return 0;
    };
  return {
    run: record("run"),
    validate: record("validate"),
    schema: record("schema"),
    plugins: record("plugins"),
    simulate: record("simulate"),
    init: record("init"),
    newPlugin: record("newPlugin"),
  };
}

const firstLines = (text: string) =>
  text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, 4)
    .join(" / ");

/**
 * Checks one shell block's commands in order. Each command must be one this test knows how to
 * check; anything else (curl, docker, openssl…) asks for the block to be marked illustrative.
 */
export async function checkShellBlock(block: MarkdownBlock, context: ShellContext): Promise<BlockProblem[]> {
  const problems: BlockProblem[] = [];
  for (const command of shellCommands(block.lines)) {
    const problem = await checkCommand(command, context);
    if (problem !== undefined) problems.push({ line: block.line + 1 + command.lineIndex, message: problem });
  }
  return problems;
}

async function checkCommand(command: RawShellCommand, context: ShellContext): Promise<string | undefined> {
  const computed = () => randomBytes(16).toString("hex");
  let words = [...command.words];
  // Leading NAME=value assignments apply to this command only.
  const local = new Map(context.env);
  while (words.length > 0) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(expandWord(words[0] ?? [], context.env, computed));
    if (assignment === null) break;
    local.set(assignment[1] ?? "", hasSubstitution(words[0] ?? []) ? computed() : (assignment[2] ?? ""));
    words = words.slice(1);
  }
  const args = words.map((word) => expandWord(word, local, computed));
  const [tool, ...rest] = args;
  const shown = `\`${command.text}\``;
  if (tool === undefined) {
    for (const [name, value] of local) context.env.set(name, value);
    return undefined;
  }
  switch (tool) {
    case "export": {
      for (const [index, word] of words.slice(1).entries()) {
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(rest[index] ?? "");
        if (assignment === null) return `${shown}: export NAME=value`;
        context.env.set(assignment[1] ?? "", hasSubstitution(word) ? computed() : (assignment[2] ?? ""));
      }
      return undefined;
    }
    case "cd": {
      const target = rest[0] ?? "~";
      const folder = context.cwd === undefined || isAbsolute(target) ? undefined : resolve(context.cwd, target);
      const inRepository =
        folder !== undefined && !relative(context.repoRoot, folder).startsWith("..") && existsSync(folder);
      if (!inRepository && !target.startsWith("~") && !target.startsWith("/") && context.cwd !== undefined) {
        return `${shown}: no folder ${target} in the repository`;
      }
      context.cwd = inRepository ? folder : undefined;
      return undefined;
    }
    case "npm":
      return checkNpm(rest, context, shown, local);
    case "pnpm":
      return checkPnpm(rest, context, shown, local);
    case "npx":
      return checkTool(rest, context, shown, local);
    case "bash":
    case "sh":
    case "node":
      return checkFileArgument(rest, context, shown);
    default:
      if (tool === "framepipe" || tool.endsWith("/.bin/framepipe")) return checkFramepipe(rest, context, shown, local);
      return `${shown}: \`${tool}\` is not a command this test can check; mark the block illustrative`;
  }
}

function checkNpm(
  args: readonly string[],
  context: ShellContext,
  shown: string,
  env: ReadonlyMap<string, string>,
): Promise<string | undefined> | string | undefined {
  const [sub = "", ...rest] = args;
  if (sub === "run" || sub === "run-script") return checkScript(rest[0], rest.slice(1), "npm", context, shown, env);
  if (["test", "t", "start", "stop", "restart"].includes(sub)) {
    return checkScript(sub === "t" ? "test" : sub, rest, "npm", context, shown, env);
  }
  if (sub === "install" || sub === "i" || sub === "add" || sub === "ci") return checkInstall(rest, context, shown);
  if (sub === "exec") return checkTool(rest[0] === "--" ? rest.slice(1) : rest, context, shown, env);
  return `${shown}: \`npm ${sub}\` is not a command this test can check; mark the block illustrative`;
}

const pnpmCommands = new Set(["install", "i", "add", "exec", "run", "dlx", "pack", "publish", "remove", "update"]);

function checkPnpm(
  args: readonly string[],
  context: ShellContext,
  shown: string,
  env: ReadonlyMap<string, string>,
): Promise<string | undefined> | string | undefined {
  let rest = [...args];
  let folder = context.cwd;
  if (rest[0] === "--filter" || rest[0] === "-F") {
    const name = rest[1] ?? "";
    folder = packageFolder(context.repoRoot, name);
    if (folder === undefined) return `${shown}: no workspace package named ${name}`;
    rest = rest.slice(2);
  }
  const [sub = "", ...tail] = rest;
  if (sub === "install" || sub === "i" || sub === "add") return checkInstall(tail, context, shown);
  if (sub === "exec") return checkTool(tail, context, shown, env);
  if (sub === "run") return checkScript(tail[0], tail.slice(1), "pnpm", { ...context, cwd: folder }, shown, env);
  if (pnpmCommands.has(sub)) return `${shown}: \`pnpm ${sub}\` is not a command this test can check`;
  return checkScript(sub, tail, "pnpm", { ...context, cwd: folder }, shown, env);
}

/** The folder of the workspace package with this name (the root, bench, packages/*, examples/*). */
function packageFolder(repoRoot: string, name: string): string | undefined {
  const folders = [
    repoRoot,
    join(repoRoot, "bench"),
    ...["packages", "examples"].flatMap((parent) =>
      directories(join(repoRoot, parent)).map((folder) => join(repoRoot, parent, folder)),
    ),
  ];
  return folders.find((folder) => {
    const file = join(folder, "package.json");
    return existsSync(file) && (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name === name;
  });
}

async function checkScript(
  script: string | undefined,
  args: readonly string[],
  manager: "npm" | "pnpm",
  context: ShellContext,
  shown: string,
  env: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  if (context.cwd === undefined) return `${shown}: runs a script outside the repository; mark the block illustrative`;
  const scripts = scriptsOf(context.cwd);
  const where = relative(context.repoRoot, join(context.cwd, "package.json"));
  if (script === undefined || scripts?.[script] === undefined) {
    return `${shown}: ${where} has no script "${script ?? ""}" (it has: ${Object.keys(scripts ?? {}).join(", ")})`;
  }
  let scriptArgs = [...args];
  if (scriptArgs.length > 0) {
    if (scriptArgs[0] === "--") scriptArgs = scriptArgs.slice(1);
    else if (manager === "npm") return `${shown}: npm takes a script's arguments after \`--\` (npm run ${script} -- …)`;
  }
  if (script === "framepipe") return checkFramepipe(scriptArgs, context, shown, env);
  // A script that runs framepipe (`"validate": "framepipe validate pipeline.yaml"`) is checked as
  // that command, run from the script's folder; arguments given to the script go to its last command.
  const commands = shellCommands([scripts[script] ?? ""]);
  for (const [index, command] of commands.entries()) {
    const words = command.words.map((word) => expandWord(word, env));
    if (words[0] !== "framepipe") continue;
    const extra = index === commands.length - 1 ? scriptArgs : [];
    const problem = await checkFramepipe([...words.slice(1), ...extra], context, shown, env);
    if (problem !== undefined) return problem;
  }
  // Test scripts hand their arguments to vitest (`npm test -- --project core`).
  const runsTests = script.startsWith("test") || /\bvitest\b/.test(scripts[script] ?? "");
  return runsTests ? checkVitestArguments(scriptArgs, context, shown) : undefined;
}

/**
 * Vitest's arguments: `--project X` must name a project of vitest.config.ts, and each file filter
 * must match a test file (of those projects, else of the folder it runs in or the page's scratch folder).
 */
function checkVitestArguments(args: readonly string[], context: ShellContext, shown: string): string | undefined {
  const projects = vitestProjects(context.repoRoot);
  const chosen: string[] = [];
  const filters: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === "--project" || arg.startsWith("--project=")) {
      const name = arg === "--project" ? (args[index + 1] ?? "") : arg.slice("--project=".length);
      const root = projects.get(name);
      if (root === undefined) {
        return `${shown}: vitest.config.ts has no project "${name}" (it has: ${[...projects.keys()].join(", ")})`;
      }
      chosen.push(root);
    } else if (!arg.startsWith("-") && args[index - 1] !== "--project" && !["run", "watch", "--"].includes(arg)) {
      filters.push(arg);
    }
  }
  if (filters.length === 0) return undefined;
  const folders = chosen.length > 0 ? chosen : [context.folder, ...(context.cwd === undefined ? [] : [context.cwd])];
  const files = folders.flatMap(testFiles);
  const unmatched = filters.filter((filter) => !files.some((file) => file.includes(filter)));
  return unmatched.length === 0 ? undefined : `${shown}: no test file matches ${unmatched.join(", ")}`;
}

function checkTool(
  args: readonly string[],
  context: ShellContext,
  shown: string,
  env: ReadonlyMap<string, string>,
): Promise<string | undefined> | string | undefined {
  const [tool = "", ...rest] = args;
  if (tool === "framepipe") return checkFramepipe(rest, context, shown, env);
  if (tool === "vitest") return checkVitestArguments(rest, context, shown);
  if (tool === "tsx") return checkFileArgument(rest, context, shown);
  if (tool === "tsc" || tool === "biome") return undefined;
  return `${shown}: \`${tool}\` is not a command this test can check; mark the block illustrative`;
}

function checkFileArgument(args: readonly string[], context: ShellContext, shown: string): string | undefined {
  const file = args.find((arg) => !arg.startsWith("-"));
  if (file === undefined) return `${shown}: names no file to run`;
  return resolveInput(file, context) === undefined ? `${shown}: no file ${file}` : undefined;
}

/** `npm install …`: official packages exist, pinned majors match the workspace's, tarballs come from `npm run pack`. */
function checkInstall(args: readonly string[], context: ShellContext, shown: string): string | undefined {
  const facts = workspaceFacts(context.repoRoot);
  const global = args.includes("-g") || args.includes("--global");
  for (const arg of args.filter((value) => !value.startsWith("-"))) {
    if (arg.endsWith(".tgz")) {
      const packScript = readFileSync(join(context.repoRoot, "scripts/pack-packages.mjs"), "utf8");
      if (!arg.includes(".tmp/packages/") || !packScript.includes('".tmp/packages"')) {
        return `${shown}: ${arg}: \`npm run pack\` writes the tarballs to .tmp/packages/`;
      }
      continue;
    }
    const at = arg.lastIndexOf("@");
    const name = at > 0 ? arg.slice(0, at) : arg;
    const range = at > 0 ? arg.slice(at + 1) : undefined;
    if (name.startsWith("@framepipe/") && !facts.published.has(name)) {
      return `${shown}: ${name} is not a package of this repository (${[...facts.published].filter((n) => n.startsWith("@framepipe/")).join(", ")})`;
    }
    if (global && name === "pnpm" && range !== undefined && facts.packageManager !== `pnpm@${range}`) {
      return `${shown}: package.json pins ${facts.packageManager}, not pnpm@${range}`;
    }
    const versions = facts.pinned.get(name);
    if (range !== undefined && versions !== undefined && /^\d+(\.\d+)*$/.test(range)) {
      const matches = [...versions].some((version) => version === range || version.startsWith(`${range}.`));
      if (!matches) return `${shown}: the workspace uses ${name} ${[...versions].join(", ")}, not ${range}`;
    }
  }
  return undefined;
}

/** A file a command reads: written earlier on the page (the scratch folder), else in the repository folder it runs in. */
function resolveInput(file: string, context: ShellContext): string | undefined {
  if (isAbsolute(file)) return existsSync(file) ? file : undefined;
  const candidates = [join(context.folder, file)];
  if (context.cwd !== undefined) candidates.push(join(context.cwd, file));
  return candidates.find((candidate) => existsSync(candidate));
}

/** A file or folder a command writes: always in the page's scratch folder, never in the repository. */
async function resolveOutput(path: string, context: ShellContext): Promise<string> {
  const absolute = isAbsolute(path) ? join(context.folder, relative("/", path)) : join(context.folder, path);
  await mkdir(dirname(absolute), { recursive: true });
  return absolute;
}

/**
 * A `framepipe …` command line: parsed by the CLI's own commander program (an unknown command or
 * option, a missing argument or a bad value fails as it would for a reader); the files it reads
 * must exist; `validate`, `schema`, `plugins`, `init` and `new plugin` then run for real,
 * writing into the page's scratch folder, and must exit 0. `run` and `simulate` are only parsed.
 */
async function checkFramepipe(
  args: readonly string[],
  context: ShellContext,
  shown: string,
  env: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  const recorded: Invocation[] = [];
  const parsing = captureOutput();
  if ((await runCli(args, parsing, recordingActions(recorded))) !== 0) {
    return `${shown}: ${firstLines(parsing.stderr())}`;
  }
  const invocation = recorded[0];
  if (invocation === undefined) return undefined;
  const output = captureOutput();
  const input = (file: string | undefined): string | undefined => {
    if (file === undefined) return undefined;
    const found = resolveInput(file, context);
    if (found === undefined) throw new MissingFile(file);
    return found;
  };
  let run: ((out: CliOutput) => Promise<number>) | undefined;
  try {
    const [first, second, third] = invocation.args as [unknown, unknown, unknown];
    switch (invocation.command) {
      case "run":
        input(first as string);
        break;
      case "simulate":
        break;
      case "validate": {
        const config = input(first as string) ?? "";
        run = (out) => cliActions.validate(config, out);
        break;
      }
      case "schema":
      case "plugins": {
        const options = { ...(first as { output?: string; config?: string; json?: boolean }) };
        if (options.config !== undefined) options.config = input(options.config);
        if ("output" in options && options.output !== undefined)
          options.output = await resolveOutput(options.output, context);
        run = (out) =>
          invocation.command === "schema" ? cliActions.schema(options, out) : cliActions.plugins(options, out);
        break;
      }
      case "init": {
        const file = await resolveOutput(first as string, context);
        run = (out) => cliActions.init(file, second as { force?: boolean; schema?: boolean }, out);
        break;
      }
      case "newPlugin": {
        const options = { ...(third as { dir?: string }) };
        options.dir = await resolveOutput(options.dir ?? ".", context);
        run = (out) => cliActions.newPlugin(first as string, second as string, options, out);
        break;
      }
    }
  } catch (error) {
    if (error instanceof MissingFile) {
      return `${shown}: no file ${error.file} (not in the repository, and no earlier block or command of the page writes it)`;
    }
    throw error;
  }
  if (run === undefined) return undefined;
  const code = await withEnv(env, () => run(output));
  return code === 0 ? undefined : `${shown} exits ${code}: ${firstLines(`${output.stderr()}\n${output.stdout()}`)}`;
}

class MissingFile extends Error {
  constructor(readonly file: string) {
    super(`no file ${file}`);
  }
}
