// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config text with ${VAR} references.
import { describe, expect, it } from "vitest";
import { ProblemCollector } from "../../src/config/problem-collector.js";
import { parseConfigDocument, retypePlainScalar } from "../../src/config/yaml-config-document.js";

function parse(text: string, env: Record<string, string> = {}) {
  const problems = new ProblemCollector();
  const document = parseConfigDocument(text, { env, syntax: "YAML" }, problems);
  return { ...document, problems: problems.toProblems("pipeline.yaml", document.locate) };
}

describe("parseConfigDocument", () => {
  it("re-types interpolated plain scalars and keeps quoted ones as strings", () => {
    const { raw, problems } = parse(
      ["port: ${PORT}", 'quoted: "${PORT}"', "flag: ${FLAG}", "ratio: ${RATIO}", "name: ${NAME}", "empty: ${E:-}"].join(
        "\n",
      ),
      { PORT: "8080", FLAG: "true", RATIO: "0.5", NAME: "thumbs # not a comment" },
    );
    expect(problems).toEqual([]);
    expect(raw).toEqual({
      port: 8080,
      quoted: "8080",
      flag: true,
      ratio: 0.5,
      name: "thumbs # not a comment",
      empty: "",
    });
  });

  it("interpolates inside lists and block scalars but not in keys", () => {
    const { raw } = parse("${KEY}:\n  - a-${X}\n  - |\n    line ${X}\n", { X: "1", KEY: "k" });
    expect(raw).toEqual({ "${KEY}": ["a-1", "line 1\n"] });
  });

  it("reports missing variables at the scalar's line and column", () => {
    const { problems } = parse("sources:\n  recall:\n    token: ${TOKEN}\n");
    expect(problems).toEqual([
      expect.objectContaining({ path: "sources.recall.token", line: 3, column: 12, severity: "error" }),
    ]);
  });

  it("locates values, keys, list items and falls back to the nearest parent", () => {
    const { locate } = parse("a:\n  b:\n    c: 1\n  list: [x, y]\n  empty:\n");
    expect(locate(["a", "b", "c"], "value")).toEqual({ line: 3, column: 8 });
    expect(locate(["a", "b", "c"], "key")).toEqual({ line: 3, column: 5 });
    expect(locate(["a", "list", 1], "value")).toEqual({ line: 4, column: 13 });
    expect(locate(["a", "b", "missing"], "value")).toEqual({ line: 2, column: 3 });
    expect(locate(["a", "list", 5], "value")).toEqual({ line: 4, column: 9 });
    expect(locate(["nowhere", "deep"], "value")).toEqual({ line: 1, column: 1 });
  });

  it("reports syntax errors with their position and returns no data", () => {
    const { raw, problems } = parse("a: 1\na: 2\n");
    expect(raw).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, column: 1, message: "invalid YAML syntax: Map keys must be unique" }),
    ]);
  });

  it("applies merge keys", () => {
    const { raw } = parse("base: &base\n  type: fs\nsink:\n  <<: *base\n  dir: x\n");
    expect(raw).toEqual({ base: { type: "fs" }, sink: { type: "fs", dir: "x" } });
  });
});

describe("retypePlainScalar", () => {
  it.each([
    ["8080", 8080],
    ["-1.5e3", -1500],
    ["0x1F", 31],
    ["0o17", 15],
    ["true", true],
    ["False", false],
    ["null", null],
    ["~", null],
    ["8080/tcp", "8080/tcp"],
    ["yes", "yes"],
    ["", ""],
  ])("%j → %j", (text, expected) => {
    expect(retypePlainScalar(text)).toEqual(expected);
  });
});
