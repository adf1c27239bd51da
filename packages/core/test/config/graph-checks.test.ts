import { describe, expect, it } from "vitest";
import { type ConfigLoadResult, formatConfigProblems } from "../../src/config/config-problem.js";
import { validatePipelineConfig } from "../../src/config/validate-pipeline-config.js";
import { testPlugins } from "./support/test-plugins.js";

const source = { type: "websocket" };
const resize = (...inputs: string[]) => ({ type: "resize", inputs, width: 320 });
const disk = (...inputs: string[]) => ({ type: "fs", inputs, dir: "./frames" });

async function problemsOf(config: Record<string, unknown>): Promise<string[]> {
  const result: ConfigLoadResult = await validatePipelineConfig({ version: 1, ...config }, { builtins: testPlugins });
  const problems = result.ok ? result.warnings : result.problems;
  return formatConfigProblems(problems).split("\n").filter(Boolean);
}

describe("graph checks", () => {
  it("accepts fan-out and fan-in", async () => {
    const result = await validatePipelineConfig(
      {
        version: 1,
        sources: { a: source, b: source },
        transforms: { small: resize("a", "b"), tiny: resize("small") },
        sinks: { one: disk("small"), two: disk("tiny", "a") },
      },
      { builtins: testPlugins },
    );
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings).toEqual([]);
  });

  it("names the path of a longer cycle once, in data-flow order", async () => {
    expect(
      await problemsOf({
        sources: { s: source },
        transforms: { a: resize("s", "c"), b: resize("a"), c: resize("b") },
        sinks: { out: disk("c") },
      }),
    ).toEqual(["transforms.a.inputs: cycle: a -> b -> c -> a"]);
  });

  it("reports a transform that is its own input as a cycle", async () => {
    expect(
      await problemsOf({
        sources: { s: source },
        transforms: { loop: resize("s", "loop") },
        sinks: { out: disk("loop") },
      }),
    ).toEqual(["transforms.loop.inputs: cycle: loop -> loop"]);
  });

  it("reports a pipeline without sources and sinks", async () => {
    expect(await problemsOf({})).toEqual([
      "sources: the pipeline has no source: add one under `sources:`",
      "sinks: the pipeline has no sink: add one under `sinks:`",
    ]);
  });

  it("reports a sink used as an input and a transform without inputs", async () => {
    expect(
      await problemsOf({
        sources: { s: source },
        transforms: { t: { type: "resize", width: 3 } },
        sinks: { out: disk("s"), more: disk("out", "t") },
      }),
    ).toEqual([
      "transforms.t.inputs: a transform needs at least one input: add `inputs: [<source or transform id>]`",
      "sinks.more.inputs[0]: `out` is a sink: sinks produce no frames, so they cannot be an input",
    ]);
  });

  it("lists the known ids when an unknown input is not close to any", async () => {
    expect(
      await problemsOf({
        sources: { recall: source },
        sinks: { out: disk("recall", "zzzzzz") },
      }),
    ).toEqual(["sinks.out.inputs[1]: unknown input `zzzzzz`; known sources and transforms: recall"]);
  });

  it("reports duplicate ids across sections and unused components", async () => {
    expect(
      await problemsOf({
        sources: { s: source, spare: source },
        transforms: { t: resize("s") },
        sinks: { s: disk("s") },
      }),
    ).toEqual([
      "sinks.s: duplicate component id `s`: already used by sources.s; ids must be unique across sources, transforms and sinks",
      "sources.spare: source `spare` is not used: list it in the `inputs` of a transform or sink",
      "transforms.t: warning: transform `t` is not used: no transform or sink lists it in `inputs`, so its output goes nowhere",
    ]);
  });
});
