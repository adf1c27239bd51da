import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PackageManager } from "../invocation.js";

/** What decides whether a scaffolded plugin and its test run where they were written. */
export interface ProjectContext {
  /** Of the packages asked about, those that do not resolve from the folder. */
  readonly missing: readonly string[];
  /** From the nearest lockfile up the tree; npm when there is none. */
  readonly packageManager: PackageManager;
  /** The vitest (or vite) config vitest would use from the folder: the nearest up the tree. */
  readonly vitestConfig?: { readonly path: string; readonly hasProjects: boolean };
  /** The root of the framepipe repository when the folder is inside a checkout of it. */
  readonly framepipeRepository?: string;
}

const lockfiles: ReadonlyArray<readonly [string, PackageManager]> = [
  ["pnpm-lock.yaml", "pnpm"],
  ["pnpm-workspace.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

const vitestConfigNames = ["vitest", "vite"].flatMap((name) =>
  ["ts", "mts", "cts", "js", "mjs", "cjs"].map((extension) => `${name}.config.${extension}`),
);

/** The folder and its ancestors, nearest first. */
function ancestors(directory: string): string[] {
  const folders = [directory];
  for (let parent = dirname(directory); parent !== folders.at(-1); parent = dirname(parent)) folders.push(parent);
  return folders;
}

/**
 * Whether `name` resolves from a module in `directory` as the scaffolded files' imports do: ESM
 * resolution, which looks in `node_modules` folders up the tree only (unlike `require`, it ignores
 * NODE_PATH, which `pnpm exec` sets, so a require-based check could find what imports cannot).
 */
export function resolvesFrom(directory: string, name: string): boolean {
  return ancestors(directory).some((folder) => existsSync(join(folder, "node_modules", name, "package.json")));
}

function isFramepipeRepository(directory: string): boolean {
  if (!existsSync(join(directory, "pnpm-workspace.yaml"))) return false;
  try {
    const manifest = JSON.parse(readFileSync(join(directory, "packages", "cli", "package.json"), "utf8")) as {
      name?: unknown;
    };
    return manifest.name === "@framepipe/cli";
  } catch {
    return false;
  }
}

/** Looks at `directory` (absolute) and its ancestors: see {@link ProjectContext}. */
export function projectContext(directory: string, packages: readonly string[]): ProjectContext {
  const folders = ancestors(directory);
  let packageManager: PackageManager | undefined;
  let vitestConfig: ProjectContext["vitestConfig"];
  let framepipeRepository: string | undefined;
  for (const folder of folders) {
    packageManager ??= lockfiles.find(([file]) => existsSync(join(folder, file)))?.[1];
    if (vitestConfig === undefined) {
      const name = vitestConfigNames.find((file) => existsSync(join(folder, file)));
      if (name !== undefined) {
        const path = join(folder, name);
        vitestConfig = { path, hasProjects: /\b(projects|workspace)\s*:/.test(readFileSync(path, "utf8")) };
      }
    }
    if (framepipeRepository === undefined && isFramepipeRepository(folder)) framepipeRepository = folder;
  }
  return {
    missing: packages.filter((name) => !resolvesFrom(directory, name)),
    packageManager: packageManager ?? "npm",
    ...(vitestConfig === undefined ? {} : { vitestConfig }),
    ...(framepipeRepository === undefined ? {} : { framepipeRepository }),
  };
}

/** The command adding dev dependencies with `manager`. */
export function addDevCommand(manager: PackageManager, packages: readonly string[]): string {
  const prefix = manager === "npm" ? "npm install -D" : manager === "pnpm" ? "pnpm add -D" : "yarn add -D";
  return `${prefix} ${packages.join(" ")}`;
}

/** The command running a project's installed binary with `manager`. */
export function execCommand(manager: PackageManager, command: string): string {
  return manager === "npm" ? `npx ${command}` : manager === "pnpm" ? `pnpm exec ${command}` : `yarn ${command}`;
}
