import { describe, expect, it } from "vitest";
import { buildConfigJsonSchema } from "../../src/config/config-json-schema.js";
import { testPlugins } from "./support/test-plugins.js";

type Node = Record<string, unknown>;
const at = (node: unknown, ...path: (string | number)[]): Node =>
  path.reduce<unknown>((current, key) => (current as Record<string | number, unknown>)[key], node) as Node;

describe("buildConfigJsonSchema", () => {
  const schema = buildConfigJsonSchema(testPlugins);

  it("is a draft 2020-12 schema of the whole file", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(["version"]);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(at(schema, "properties"))).toEqual([
      "version",
      "sources",
      "transforms",
      "sinks",
      "runtime",
      "api",
      "log",
      "plugins",
    ]);
    expect(at(schema, "properties", "version")).toMatchObject({ const: 1 });
  });

  it("makes each component entry one of the plugins of its kind, told apart by type", () => {
    const sinks = at(schema, "properties", "sinks");
    expect(sinks.propertyNames).toEqual({ pattern: "^[A-Za-z0-9_-]+$" });
    expect(at(sinks, "additionalProperties", "oneOf")).toEqual([
      { $ref: "#/$defs/sink-fs" },
      { $ref: "#/$defs/sink-bucket" },
      { $ref: "#/$defs/sink-other" },
    ]);
    const fs = at(schema, "$defs", "sink-fs");
    expect(fs).toMatchObject({
      type: "object",
      additionalProperties: false,
      description: "Writes frames to files (test double).",
      required: ["type", "inputs", "dir"],
    });
    expect(at(fs, "properties", "type")).toMatchObject({ const: "fs" });
    expect(at(fs, "properties", "inputs")).toMatchObject({ type: "array", minItems: 1 });
    expect(at(fs, "properties", "onError")).toMatchObject({ enum: ["drop", "dead-letter", "fail"], default: "drop" });
    expect(at(fs, "properties", "path")).toMatchObject({ type: "string", description: "File path template." });
  });

  it("keeps defaults optional, carries descriptions and marks secrets write-only", () => {
    const websocket = at(schema, "$defs", "source-websocket");
    expect(websocket.required).toEqual(["type"]);
    expect(at(websocket, "properties", "port")).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 65535,
      default: 8080,
      description: "Port to listen on.",
    });
    expect(at(websocket, "properties", "token")).toMatchObject({ writeOnly: true, minLength: 8 });
    // zod's startsWith() would add a non-standard `format`; only the pattern is kept.
    expect(at(websocket, "properties", "path")).toEqual({
      type: "string",
      pattern: "^\\/.*",
      default: "/",
      description: "URL path Recall connects to.",
    });
    expect(at(websocket, "properties")).not.toHaveProperty("inputs");
  });

  it("still allows types it does not know, from plugins: modules", () => {
    expect(at(schema, "$defs", "transform-other", "properties", "type")).toEqual({
      type: "string",
      description: "A transform plugin type.",
      not: { enum: ["resize"] },
    });
  });

  it("describes runtime units as numbers or strings with their defaults", () => {
    const runtime = at(schema, "properties", "runtime", "properties");
    expect(runtime.idleTimeout).toMatchObject({ default: "120s" });
    expect(at(runtime, "maxInFlightBytes", "anyOf", 1)).toMatchObject({ type: "string" });
    expect(runtime.overflow).toMatchObject({ enum: ["block", "drop-oldest", "drop-newest"], default: "block" });
    expect(at(schema, "properties", "api", "properties", "port")).toMatchObject({ default: 9464 });
  });

  it("works without any plugin", () => {
    const bare = buildConfigJsonSchema([]);
    expect(at(bare, "properties", "sources", "additionalProperties")).toEqual({ $ref: "#/$defs/source-other" });
  });
});
