#!/usr/bin/env node
// Packs every publishable package (packages/*, those not marked private) into one folder, as
// `pnpm publish` would ship them, and checks each tarball before listing it:
// - builds first (`tsc -b` on the packages; installs the workspace if needed), so it works from a
//   fresh clone, and drops compiled files whose source was deleted, which tsc -b leaves behind;
// - `pnpm pack` applies `publishConfig` (exports to dist/ only, no `framepipe-compiled` condition)
//   and turns `workspace:^` into real version ranges;
// - every tarball must hold compiled JavaScript, type declarations, README.md and LICENSE (the
//   repository's), exports, types and bin entries that exist in it, and declare every package its
//   JavaScript imports (and the @types its declarations need) as a dependency or peer.
// Usage: node scripts/pack-packages.mjs [--out <dir>]   (default .tmp/packages, git-ignored)
// (`npm run pack` / `pnpm run pack`.) Install the result elsewhere with `npm install <dir>/*.tgz`:
// all of them, since they depend on each other.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { ensureInstalled, pnpmCommand, run } from "./lib/pnpm.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const outDir = resolve(root, outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : ".tmp/packages");

function fail(message) {
  console.error(`pack-packages: ${message}`);
  process.exit(1);
}

/** The publishable packages: folders under packages/ whose package.json is not private. */
function publishablePackages() {
  return readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, "packages", entry.name))
    .filter((dir) => {
      try {
        return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private !== true;
      } catch {
        return false;
      }
    })
    .sort();
}

/** The files of a .tgz as a Map from path (without the leading `package/`) to contents. */
function readTarball(file) {
  const data = gunzipSync(readFileSync(file));
  const files = new Map();
  let offset = 0;
  let longPath;
  const text = (start, length) => {
    const bytes = data.subarray(start, start + length);
    const end = bytes.indexOf(0);
    return bytes.subarray(0, end < 0 ? bytes.length : end).toString("utf8");
  };
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = text(offset, 100);
    const size = Number.parseInt(text(offset + 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = text(offset + 345, 155);
    const body = data.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      // A pax header: `path=` carries a name too long for the ustar fields.
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      if (match) longPath = match[1];
      continue;
    }
    const path = longPath ?? (prefix ? `${prefix}/${name}` : name);
    longPath = undefined;
    if (type === "0" || type === "\0") files.set(path.replace(/^package\//, ""), body);
  }
  return files;
}

/** Every string target of an `exports` value, with the condition path leading to it. */
function exportTargets(value, path = "exports") {
  if (typeof value === "string") return [{ path, target: value }];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => exportTargets(inner, `${path}["${key}"]`));
}

/** The package a bare import specifier names (`@scope/name/sub` → `@scope/name`); undefined for builtins and paths. */
function packageOf(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return builtinModules.includes(name) ? undefined : name;
}

/**
 * The packages a compiled file imports. Only the text before its first backtick is read: imports
 * come first, and template literals (the CLI's scaffold templates) hold import lines of other code.
 */
function importedPackages(text) {
  const code = text.slice(0, text.includes("`") ? text.indexOf("`") : text.length);
  const names = new Set();
  for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"([^"]+)"/g)) {
    const name = packageOf(match[1]);
    if (name !== undefined) names.add(name);
  }
  return names;
}

/**
 * Imports the installed package could not satisfy: JavaScript importing a package it does not
 * declare (found only when hoisted, never under pnpm), and declarations importing a package whose
 * types (`@types/…`) are only a devDependency, which users' type checks then cannot find.
 */
function undeclaredImports(files, manifest) {
  const declared = new Set(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }));
  const devOnly = new Set(Object.keys(manifest.devDependencies ?? {}));
  const problems = new Set();
  for (const [path, contents] of files) {
    if (!path.startsWith("dist/")) continue;
    const isDeclaration = path.endsWith(".d.ts");
    if (!isDeclaration && !path.endsWith(".js")) continue;
    for (const name of importedPackages(contents.toString("utf8"))) {
      if (name === manifest.name) continue;
      const types = `@types/${name.replace(/^@(.*)\/(.*)$/, "$1__$2")}`;
      if (!declared.has(name) && !(isDeclaration && declared.has(types))) {
        problems.add(`${path} imports ${name}, which is not in dependencies or peerDependencies`);
      } else if (isDeclaration && devOnly.has(types) && !declared.has(types)) {
        problems.add(`${path} uses the types of ${name}: ${types} belongs in dependencies, not devDependencies`);
      }
    }
  }
  return [...problems];
}

/** Problems with one packed package; empty when it is publishable. */
function checkTarball(files, sourceManifest) {
  const problems = [];
  const manifestText = files.get("package.json")?.toString("utf8");
  if (manifestText === undefined) return ["no package.json"];
  const manifest = JSON.parse(manifestText);
  const has = (relative) => files.has(relative.replace(/^\.\//, ""));
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith("workspace:")) problems.push(`${field}.${name} is still "${range}"`);
    }
  }
  if (manifestText.includes("framepipe-compiled"))
    problems.push("package.json still has the framepipe-compiled condition");
  if (manifest.exports === undefined) problems.push("package.json has no exports");
  for (const { path, target } of exportTargets(manifest.exports)) {
    if (target.endsWith(".ts") && !target.endsWith(".d.ts")) problems.push(`${path} points at a source: ${target}`);
    else if (!has(target)) problems.push(`${path} points at ${target}, which is not in the tarball`);
  }
  const main = manifest.exports?.["."];
  if (main !== undefined && (typeof main !== "object" || typeof main.types !== "string")) {
    problems.push('exports["."] has no types condition');
  }
  for (const [name, target] of Object.entries(manifest.bin ?? {})) {
    if (!has(target)) problems.push(`bin ${name} points at ${target}, which is not in the tarball`);
  }
  for (const required of ["README.md", "LICENSE"]) if (!has(required)) problems.push(`no ${required}`);
  problems.push(...undeclaredImports(files, manifest));
  if (manifest.version !== sourceManifest.version)
    problems.push(`version ${manifest.version} ≠ ${sourceManifest.version}`);
  return problems;
}

/** dist/src files whose source is gone (left by a file since renamed or removed): tsc -b never deletes them. */
function staleCompiledFiles(dir) {
  const stale = [];
  const walk = (relative) => {
    let entries;
    try {
      entries = readdirSync(join(dir, "dist", relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(relative, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const source = /^(.*)\.(?:js|js\.map|d\.ts|d\.ts\.map)$/.exec(path)?.[1];
        if (source !== undefined && !existsSync(join(dir, `${source}.ts`))) stale.push(join(dir, "dist", path));
      }
    }
  };
  walk("src");
  return stale;
}

const packages = publishablePackages();
if (packages.length === 0) fail("no publishable package under packages/");
const rootLicense = readFileSync(join(root, "LICENSE"), "utf8");
for (const dir of packages) {
  let license;
  try {
    license = readFileSync(join(dir, "LICENSE"), "utf8");
  } catch {
    fail(`${dir} has no LICENSE: copy the repository's LICENSE into it`);
  }
  if (license !== rootLicense) fail(`${join(dir, "LICENSE")} differs from the repository's LICENSE: copy it again`);
}

const pnpm = pnpmCommand();
const installed = ensureInstalled(root, pnpm);
if (installed !== 0) fail("pnpm install failed");

console.log(`pack-packages: building ${packages.length} packages (tsc -b)`);
const tsc = join(root, "node_modules", ".bin", "tsc");
if (run(tsc, ["-b", ...packages], root) !== 0) fail("tsc -b failed: fix the errors above, then pack again");

for (const dir of packages) {
  const stale = staleCompiledFiles(dir);
  for (const file of stale) rmSync(file);
  if (stale.length > 0)
    console.log(`pack-packages: removed ${stale.length} compiled files of deleted sources from ${dir}/dist`);
}

mkdirSync(outDir, { recursive: true });
// Tarballs of an earlier run (another version, a package since removed) would be installed too.
for (const entry of readdirSync(outDir)) {
  if (/^framepipe-.*\.tgz$/.test(entry)) rmSync(join(outDir, entry));
}

const packed = [];
for (const dir of packages) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const status = run(pnpm[0], [...pnpm.slice(1), "pack", "--pack-destination", outDir], dir, {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (status !== 0) fail(`pnpm pack failed in ${dir}`);
  const tarball = join(outDir, `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`);
  let files;
  try {
    files = readTarball(tarball);
  } catch (error) {
    fail(`cannot read ${tarball}: ${error.message}`);
  }
  const problems = checkTarball(files, manifest);
  if (problems.length > 0) fail(`${manifest.name} is not publishable:\n  ${problems.join("\n  ")}`);
  packed.push({ tarball, name: manifest.name, files: files.size, bytes: statSync(tarball).size });
}

console.log(`pack-packages: ${packed.length} tarballs in ${outDir}`);
for (const { tarball, name, files, bytes } of packed) {
  console.log(`  ${tarball}  (${name}, ${files} files, ${(bytes / 1024).toFixed(0)} KiB)`);
}
