import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatConfigProblems } from "../../src/config/config-problem.js";
import { describePipeline } from "../../src/config/describe-pipeline.js";
import { loadPipelineConfig } from "../../src/config/load-pipeline-config.js";
import { testPlugins } from "./support/test-plugins.js";

// Each folder under fixtures/ holds a config (pipeline.yaml, .json or .ts), optionally env.json
// (the variables interpolation sees), and expected.txt: the exact output, with files shown
// relative to the folder. Set UPDATE_FIXTURES=1 to rewrite expected.txt after a deliberate change.
const fixturesRoot = fileURLToPath(new URL("./fixtures/", import.meta.url));
const cases = readdirSync(fixturesRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

async function render(folder: string): Promise<string> {
  const configName = readdirSync(folder).find((name) => name.startsWith("pipeline."));
  if (configName === undefined) throw new Error(`no pipeline.* in ${folder}`);
  const envFile = join(folder, "env.json");
  const env = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, "utf8")) as Record<string, string>) : {};
  const result = await loadPipelineConfig(join(folder, configName), { env, builtins: testPlugins });
  const format = { relativeTo: folder };
  if (!result.ok) return `${formatConfigProblems(result.problems, format)}\n`;
  const warnings = result.warnings.length > 0 ? `${formatConfigProblems(result.warnings, format)}\n` : "";
  return `${warnings}valid\n${describePipeline(result.config)}\n`;
}

describe("config fixtures", () => {
  it("has at least 15 broken and 3 valid cases", () => {
    expect(cases.filter((name) => !name.startsWith("valid-")).length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((name) => name.startsWith("valid-")).length).toBeGreaterThanOrEqual(3);
  });

  it.each(cases)("%s", async (name) => {
    const folder = join(fixturesRoot, name);
    const actual = await render(folder);
    const expectedFile = join(folder, "expected.txt");
    if (process.env.UPDATE_FIXTURES === "1") writeFileSync(expectedFile, actual);
    expect(actual).toBe(readFileSync(expectedFile, "utf8"));
  });
});
