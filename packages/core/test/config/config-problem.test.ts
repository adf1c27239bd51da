import { describe, expect, it } from "vitest";
import {
  type ConfigProblem,
  formatConfigProblem,
  formatConfigProblems,
  sortConfigProblems,
} from "../../src/config/config-problem.js";

const problem = (overrides: Partial<ConfigProblem>): ConfigProblem => ({
  file: "/srv/pipelines/pipeline.yaml",
  line: 14,
  column: 12,
  path: "transforms.thumbs.width",
  message: 'expected a positive integer, got "wide"',
  severity: "error",
  code: "CONFIG_INVALID",
  ...overrides,
});

describe("formatConfigProblem", () => {
  it("prints file:line:col path: message, the file relative to the given folder", () => {
    expect(formatConfigProblem(problem({}), { relativeTo: "/srv/pipelines" })).toBe(
      'pipeline.yaml:14:12 transforms.thumbs.width: expected a positive integer, got "wide"',
    );
    expect(formatConfigProblem(problem({}), { relativeTo: "/srv" })).toBe(
      'pipelines/pipeline.yaml:14:12 transforms.thumbs.width: expected a positive integer, got "wide"',
    );
  });

  it("keeps absolute paths for files outside the folder", () => {
    expect(formatConfigProblem(problem({}), { relativeTo: "/home/user" })).toMatch(
      /^\/srv\/pipelines\/pipeline\.yaml:14:12 /,
    );
  });

  it("omits what is unknown: the position, the file, the path", () => {
    expect(formatConfigProblem(problem({ line: undefined, column: undefined }), { relativeTo: "/srv/pipelines" })).toBe(
      'pipeline.yaml transforms.thumbs.width: expected a positive integer, got "wide"',
    );
    expect(formatConfigProblem(problem({ file: null, line: undefined }))).toBe(
      'transforms.thumbs.width: expected a positive integer, got "wide"',
    );
    expect(
      formatConfigProblem(problem({ path: "", message: "config file not found" }), { relativeTo: "/srv/pipelines" }),
    ).toBe("pipeline.yaml:14:12: config file not found");
  });

  it("marks warnings", () => {
    expect(formatConfigProblem(problem({ file: null, severity: "warning", message: "unused" }))).toBe(
      "transforms.thumbs.width: warning: unused",
    );
  });
});

describe("sortConfigProblems", () => {
  it("orders by line and column, positionless problems last in their original order", () => {
    const sorted = sortConfigProblems([
      problem({ path: "c", line: undefined, column: undefined }),
      problem({ path: "b", line: 3, column: 9 }),
      problem({ path: "a", line: 3, column: 2 }),
      problem({ path: "d", line: undefined, column: undefined }),
      problem({ path: "e", line: 1, column: 1 }),
    ]);
    expect(sorted.map((entry) => entry.path)).toEqual(["e", "a", "b", "c", "d"]);
    expect(formatConfigProblems([])).toBe("");
  });
});
