import type { AnyPluginDefinition } from "@framepipe/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
// Core keeps its section schemas internal; the runtime section's durations and sizes follow the
// same rule as plugin options, so they are read from the source (as the config reference does).
import { runtimeSchema } from "../../core/src/config/section-schemas.js";
import { officialPlugins } from "../src/official-plugins.js";
import { allOptionsOf, type UnitOption, unitOptionsOf } from "./support/unit-options.js";

interface NamedSchema {
  readonly name: string;
  readonly schema: z.core.$ZodType;
}

const optionSchemas: readonly NamedSchema[] = [
  { name: "runtime", schema: runtimeSchema },
  ...officialPlugins().map((definition: AnyPluginDefinition) => ({
    name: `${definition.kind} ${definition.type}`,
    schema: definition.options as unknown as z.core.$ZodType,
  })),
];

type LabelledOption = UnitOption & { readonly label: string };

const unitOptions: LabelledOption[] = optionSchemas.flatMap(({ name, schema }) =>
  unitOptionsOf(schema).map((option) => ({ ...option, label: `${name}: ${option.path}` })),
);
const durations = unitOptions.filter((option) => option.unit === "duration");
const sizes = unitOptions.filter((option) => option.unit === "byteSize");

function parsed(option: UnitOption, value: unknown): unknown {
  const result = z.safeParse(option.schema, value);
  return result.success ? result.data : `rejected: ${result.error.issues[0]?.message}`;
}

describe("duration options of every official plugin and the runtime section", () => {
  it("are found by their schema, the known ones included", () => {
    expect(durations.length).toBeGreaterThan(0);
    expect(durations.map((option) => option.label)).toEqual(
      expect.arrayContaining([
        "runtime: idleTimeout",
        "runtime: shutdownTimeout",
        "transform sample: interval",
        "source websocket: signatureTolerance",
        "source websocket: pingInterval",
      ]),
    );
  });

  it.each(durations.map((option) => [option.label, option] as const))(
    "%s reads 500ms, 2s, 5m and a bare 500 as milliseconds",
    (_label, option) => {
      expect([
        parsed(option, "500ms"),
        parsed(option, "2s"),
        parsed(option, "5m"),
        parsed(option, 500),
        parsed(option, "500"),
      ]).toEqual([500, 2000, 300_000, 500, 500]);
      expect(parsed(option, "soon")).toMatch(/^rejected: expected a (positive )?duration .*, got "soon"$/);
      expect(parsed(option, -500)).toMatch(/^rejected: expected a (positive )?duration .*, got -500$/);
    },
  );
});

describe("size options of every official plugin and the runtime section", () => {
  it("are found by their schema, the known ones included", () => {
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.map((option) => option.label)).toEqual(
      expect.arrayContaining([
        "runtime: maxInFlightBytes",
        "source websocket: maxPayload",
        "source replay: maxLineBytes",
      ]),
    );
  });

  it.each(sizes.map((option) => [option.label, option] as const))(
    "%s reads 64KiB, 256MiB and a bare 65536 as bytes",
    (_label, option) => {
      expect([parsed(option, "64KiB"), parsed(option, "256MiB"), parsed(option, 65_536)]).toEqual([
        65_536, 268_435_456, 65_536,
      ]);
      expect(parsed(option, "lots")).toMatch(/^rejected: expected a (positive )?size .*, got "lots"$/);
      expect(parsed(option, -1)).toMatch(/^rejected: expected a (positive )?size .*, got -1$/);
    },
  );
});

describe("options named like a duration or a size", () => {
  // A plain z.number() timeout would silently take its own unit: the name gives it away.
  const unitLikeName = /timeout|interval|delay|duration|bytes|payload/i;

  it("are all built with durationSchema() or byteSizeSchema()", () => {
    const unitPaths = new Set(unitOptions.map((option) => option.label));
    const plain = optionSchemas.flatMap(({ name, schema }) =>
      allOptionsOf(schema)
        .filter((option) => unitLikeName.test(option.path.split(".").pop() ?? ""))
        .map((option) => `${name}: ${option.path}`)
        .filter((label) => !unitPaths.has(label)),
    );
    expect(plain).toEqual([]);
  });
});
