import { readFile } from "node:fs/promises";
import { describePluginOptions } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { officialPlugins } from "../src/official-plugins.js";
import { normalisedLines, regenerateCommand, renderConfigReference } from "./support/config-reference.js";

const referenceUrl = new URL("../../../docs/config-reference.md", import.meta.url);

describe("docs/config-reference.md", () => {
  it(`is what the schemas generate (stale? run \`${regenerateCommand}\` from the repository root)`, async () => {
    const committed = await readFile(referenceUrl, "utf8");
    const fresh = renderConfigReference(officialPlugins());
    expect(normalisedLines(committed), `stale: run ${regenerateCommand}`).toEqual(normalisedLines(fresh));
  });

  it("has a section for every official plugin with a row for each of its options", () => {
    const reference = renderConfigReference(officialPlugins());
    for (const definition of officialPlugins()) {
      const start = reference.indexOf(`### ${definition.kind} \`${definition.type}\``);
      expect(start, `${definition.kind} ${definition.type}`).toBeGreaterThan(0);
      const next = reference.indexOf("\n### ", start + 1);
      const section = reference.slice(start, next === -1 ? undefined : next);
      for (const option of describePluginOptions(definition)) expect(section).toContain(`| \`${option.name}\` |`);
    }
  });

  it("documents the runtime section with its units and defaults, and never a secret's default", () => {
    const reference = renderConfigReference(officialPlugins());
    expect(reference).toMatch(/\| `maxInFlightBytes` \| size \| `256MiB` \|/);
    expect(reference).toMatch(/\| `idleTimeout` \| duration \| `120s` \|/);
    expect(reference).toMatch(/\| `token` \| string \|\s+\| .*Secret: never printed\. \|/);
  });

  it("ignores column alignment when comparing, but not content", () => {
    const table = "| a | b |\n| --- | --- |\n| `x` | 1 |";
    const aligned = "| a   | b   |\n| --- | --- |\n| `x` | 1   |";
    expect(normalisedLines(aligned)).toEqual(normalisedLines(table));
    expect(normalisedLines("| `x` | 2 |")).not.toEqual(normalisedLines("| `x` | 1 |"));
  });
});
