import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTransform } from "../../src/plugin/define-plugin.js";
import { loadPluginModule } from "../../src/plugin/load-plugin-module.js";
import { createPluginResolver, pluginPackageName } from "../../src/plugin/resolve-plugin.js";
import { fsSink, resizeTransform, websocketSource } from "../config/support/test-plugins.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
let packagesRoot: string;
let emptyFolder: string;

// A package written by hand: a plugin definition is any frozen object carrying the marker.
const fakePackageSource = (kind: string, type: string) => `export default Object.freeze({
  kind: ${JSON.stringify(kind)}, type: ${JSON.stringify(type)}, summary: "fake", options: {}, deps: {},
  create() {}, [Symbol.for("framepipe.plugin")]: true,
});
`;

async function writePackage(name: string, source: string): Promise<void> {
  const folder = join(packagesRoot, "node_modules", ...name.split("/"));
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "package.json"), JSON.stringify({ name, type: "module", exports: "./index.js" }));
  await writeFile(join(folder, "index.js"), source);
}

beforeAll(async () => {
  packagesRoot = await mkdtemp(join(tmpdir(), "framepipe-resolve-"));
  emptyFolder = await mkdtemp(join(tmpdir(), "framepipe-empty-"));
  await writePackage("@framepipe/transform-fake", fakePackageSource("transform", "fake"));
  await writePackage("@framepipe/transform-mislabelled", fakePackageSource("sink", "other"));
  await writePackage("@framepipe/transform-broken", 'throw new Error("cannot start");\n');
});

afterAll(async () => {
  await rm(packagesRoot, { recursive: true, force: true });
  await rm(emptyFolder, { recursive: true, force: true });
});

describe("createPluginResolver", () => {
  it("prefers plugins registered in code over built-ins of the same type", async () => {
    const custom = defineTransform({
      type: "resize",
      summary: "custom",
      options: z.strictObject({}),
      create: () => ({ process: (frame) => frame }),
    });
    const resolver = createPluginResolver({ registered: [custom], builtins: [resizeTransform], baseDir: emptyFolder });
    const resolution = await resolver.resolve("transform", "resize");
    expect(resolution).toMatchObject({ ok: true, origin: { from: "registered" } });
    expect(resolution.ok && resolution.definition).toBe(custom);
  });

  it("falls back to built-ins", async () => {
    const resolver = createPluginResolver({ builtins: [websocketSource], baseDir: emptyFolder });
    expect(await resolver.resolve("source", "websocket")).toMatchObject({ ok: true, origin: { from: "builtin" } });
  });

  it("imports @framepipe/<kind>-<type> from the config folder, then from resolveFrom folders", async () => {
    expect(pluginPackageName("transform", "fake")).toBe("@framepipe/transform-fake");
    const fromBase = await createPluginResolver({ baseDir: packagesRoot }).resolve("transform", "fake");
    expect(fromBase).toMatchObject({ ok: true, origin: { from: "package", directory: packagesRoot } });
    const fromExtra = await createPluginResolver({ baseDir: emptyFolder, resolveFrom: [packagesRoot] }).resolve(
      "transform",
      "fake",
    );
    expect(fromExtra).toMatchObject({ ok: true, origin: { from: "package", directory: packagesRoot } });
  });

  it("reports a package that throws as PLUGIN_LOAD_FAILED and one exporting another plugin as PLUGIN_INVALID", async () => {
    const resolver = createPluginResolver({ baseDir: packagesRoot });
    expect(await resolver.resolve("transform", "broken")).toEqual({
      ok: false,
      code: "PLUGIN_LOAD_FAILED",
      message: "could not load plugin module @framepipe/transform-broken: cannot start",
    });
    expect(await resolver.resolve("transform", "mislabelled")).toEqual({
      ok: false,
      code: "PLUGIN_INVALID",
      message:
        "package @framepipe/transform-mislabelled does not export a transform `mislabelled` (it exports sink `other`)",
    });
  });

  it("uses modules listed under plugins: last", async () => {
    const loaded = await loadPluginModule("./blur-plugin.ts", { from: fixtures });
    if (!loaded.ok) throw new Error(loaded.message);
    const resolver = createPluginResolver({
      baseDir: fixtures,
      modules: [{ specifier: "./blur-plugin.ts", definitions: loaded.definitions }],
    });
    expect(await resolver.resolve("transform", "blur")).toMatchObject({
      ok: true,
      origin: { from: "module", specifier: "./blur-plugin.ts" },
    });
    expect(resolver.knownTypes("transform")).toEqual(["blur"]);
  });

  it("explains PLUGIN_NOT_FOUND: what was tried, the known types and the closest one", async () => {
    const resolver = createPluginResolver({
      builtins: [resizeTransform, websocketSource, fsSink],
      baseDir: emptyFolder,
      resolveFrom: ["/opt/framepipe-cli"],
    });
    const resolution = await resolver.resolve("transform", "resiz");
    expect(resolution).toEqual({
      ok: false,
      code: "PLUGIN_NOT_FOUND",
      message:
        "unknown transform type `resiz` (did you mean `resize`?); tried plugins registered in code, built-ins, " +
        "package @framepipe/transform-resiz (from the config's folder and /opt/framepipe-cli), " +
        "modules under plugins: (none listed); known transform types: resize",
    });
  });

  it("points out a type that exists under another kind", async () => {
    const resolver = createPluginResolver({ builtins: [websocketSource], baseDir: emptyFolder });
    const resolution = await resolver.resolve("sink", "websocket");
    expect(!resolution.ok && resolution.message).toContain("`websocket` is a source plugin");
    expect(!resolution.ok && resolution.message).toContain("no sink plugins are known");
  });

  it("does not try to import type names that cannot be package names", async () => {
    const resolver = createPluginResolver({ baseDir: emptyFolder });
    const resolution = await resolver.resolve("transform", "../escape");
    expect(resolution).toMatchObject({ ok: false, code: "PLUGIN_NOT_FOUND" });
  });
});
