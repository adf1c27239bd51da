import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// docs/architecture.md is the newcomers' map of the runtime: it must not point at files or
// functions that moved or were renamed.
const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const document = readFileSync(`${repositoryRoot}docs/architecture.md`, "utf8");

/** Every `packages/…` path written in backticks. */
function namedFiles(): string[] {
  return [...new Set([...document.matchAll(/`(packages\/[^`\s]+\.ts)`/g)].map((match) => match[1] as string))];
}

/** Rows of the walk table: a file cell and the functions named in the cell after it. */
function walkRows(): { file: string; functions: string[] }[] {
  const rows: { file: string; functions: string[] }[] = [];
  for (const line of document.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    const file = /^`(packages\/[^`]+\.ts)`$/.exec(cells[2] ?? "")?.[1];
    if (file === undefined) continue;
    const functions = [...(cells[3] ?? "").matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
    rows.push({ file, functions });
  }
  return rows;
}

describe("docs/architecture.md", () => {
  it("names only files that exist", () => {
    const files = namedFiles();
    expect(files.length).toBeGreaterThan(15);
    expect(files.filter((file) => !existsSync(`${repositoryRoot}${file}`))).toEqual([]);
  });

  it("walks one frame through at most 8 files, naming functions those files define", () => {
    const rows = walkRows();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(new Set(rows.map((row) => row.file)).size).toBeLessThanOrEqual(8);
    const missing: string[] = [];
    for (const { file, functions } of rows) {
      const source = readFileSync(`${repositoryRoot}${file}`, "utf8");
      for (const name of functions) {
        const escaped = name.replace(/[#$]/g, (character) => `\\${character}`);
        const defined = new RegExp(`(^|\\s)(async\\s+|readonly\\s+|export\\s+function\\s+)?${escaped}\\s*[(=<]`, "m");
        if (!defined.test(source)) missing.push(`${file}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
