import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CliActions, cliActions, runCli } from "../src/program.js";
import { captureOutput } from "./support/capture-output.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}/pipeline.yaml`, import.meta.url));

describe("framepipe --help and --version", () => {
  it("prints the version and exits 0", async () => {
    const output = captureOutput();
    expect(await runCli(["--version"], output)).toBe(0);
    expect(output.stdout()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists every command in --help", async () => {
    const output = captureOutput();
    expect(await runCli(["--help"], output)).toBe(0);
    for (const command of ["run", "validate", "schema", "plugins"]) expect(output.stdout()).toContain(command);
  });

  it("has --help on each command", async () => {
    for (const command of ["run", "validate", "schema", "plugins"]) {
      const output = captureOutput();
      expect(await runCli([command, "--help"], output)).toBe(0);
      expect(output.stdout()).toContain(`Usage: framepipe ${command}`);
    }
  });

  it("suggests the closest command for a typo and exits non-zero", async () => {
    const output = captureOutput();
    expect(await runCli(["validat", "x.yaml"], output)).not.toBe(0);
    expect(output.stderr()).toContain("validate");
  });
});

describe("framepipe validate", () => {
  it("exits 0 and describes the graph of a valid config, local .ts plugins included", async () => {
    const output = captureOutput();
    expect(await runCli(["validate", fixture("local-plugins")], output)).toBe(0);
    expect(output.stdout()).toContain("valid");
    expect(output.stdout()).toMatch(/fixture/);
    expect(output.stdout()).toMatch(/counter/);
  });

  it("exits 1 listing every independent mistake with line and column", async () => {
    const output = captureOutput();
    expect(await runCli(["validate", fixture("broken")], output)).toBe(1);
    const lines = output.stderr().split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/pipeline\.yaml:3:\d+ sources\.fixture\.count: /),
        expect.stringMatching(/pipeline\.yaml:5:\d+ transforms\.webcams\.inputs\[0\]: .*did you mean `fixture`/),
        expect.stringMatching(/pipeline\.yaml:5:\d+ transforms\.webcams\.typez: .*did you mean `types`/),
        expect.stringMatching(/pipeline\.yaml:9:\d+ runtime\.overflow: /),
      ]),
    );
    expect(output.stderr()).toMatch(/4 problems found/);
  });

  it("knows dedupe-similar from @framepipe/transform-resize without a plugins: entry", async () => {
    const output = captureOutput();
    expect(await runCli(["validate", fixture("similar-frames")], output)).toBe(0);
    expect(output.stdout()).toMatch(/dedupe-similar/);
  });

  it("points core dedupe's former perceptual mode at dedupe-similar", async () => {
    const output = captureOutput();
    expect(await runCli(["validate", fixture("perceptual-dedupe-in-core")], output)).toBe(1);
    expect(output.stderr()).toMatch(
      /pipeline\.yaml:9:\d+ transforms\.changes\.tolerance: .*did you mean `type: dedupe-similar` \(@framepipe\/transform-resize/,
    );
  });

  it("runs each plugin's own check: a video sink without its ffmpeg fails, naming what is missing and how to install it", async () => {
    const output = captureOutput();
    expect(await runCli(["validate", fixture("videos-without-ffmpeg")], output)).toBe(1);
    expect(output.stderr()).toMatch(
      /pipeline\.yaml sinks\.videos: ffmpeg was not found \("\/nonexistent\/bin\/ffmpeg"\): install the system ffmpeg \(Debian\/Ubuntu: apt-get install ffmpeg/,
    );
    expect(output.stderr()).toMatch(/the config is valid, but 1 thing it needs is missing here/);
    expect(output.stdout()).not.toMatch(/valid/);
  });

  it("passes a video sink whose ffmpeg has the chosen encoder", async () => {
    const output = captureOutput();
    expect(await runCli(["validate", fixture("videos")], output)).toBe(0);
    expect(output.stdout()).toMatch(/videos\s+video/);
  });

  it("exits 1 with a clear message for a missing file", async () => {
    const output = captureOutput();
    expect(await runCli(["validate", "does-not-exist.yaml"], output)).toBe(1);
    expect(output.stderr()).toMatch(/does-not-exist\.yaml/);
  });
});

describe("framepipe schema and plugins", () => {
  it("with --config, also describe the plugins the config lists, even while the config is incomplete", async () => {
    const text = captureOutput();
    expect(await runCli(["plugins", "--config", fixture("local-plugins")], text)).toBe(0);
    expect(text.stdout()).toMatch(/source fixture: /);
    expect(text.stdout()).toMatch(/sink count: /);
    const schemaOutput = captureOutput();
    expect(await runCli(["schema", "--config", fixture("local-plugins")], schemaOutput)).toBe(0);
    const schema = JSON.stringify(JSON.parse(schemaOutput.stdout()));
    expect(schema).toContain('"fixture"');
    expect(schema).toContain('"count"');
    // Without --config, only the official plugins.
    const plain = captureOutput();
    expect(await runCli(["schema"], plain)).toBe(0);
    expect(plain.stdout()).not.toContain('"fixture"');
  });

  it("with --config, report a plugin module that does not load (exit 1) and leave out shadowed plugins", async () => {
    const output = captureOutput();
    expect(await runCli(["plugins", "--json", "--config", fixture("shadowing-plugins")], output)).toBe(1);
    expect(output.stderr()).toMatch(/pipeline\.yaml:7:\d+ plugins\[2\]: file not found: .\/missing-plugin\.ts/);
    expect(output.stderr()).toMatch(/transform `filter` is shadowed by the built-in/);
    const described = JSON.parse(output.stdout()) as Array<{ type: string; options: Array<{ name: string }> }>;
    expect(described.find((plugin) => plugin.type === "fixture")).toBeDefined();
    const filters = described.filter((plugin) => plugin.type === "filter");
    expect(filters).toHaveLength(1);
    expect(filters[0]?.options.map((option) => option.name)).not.toContain("localOnly");
  });

  it("prints a JSON Schema naming the built-in transforms", async () => {
    const output = captureOutput();
    expect(await runCli(["schema"], output)).toBe(0);
    const schema = JSON.parse(output.stdout()) as Record<string, unknown>;
    expect(schema.$schema).toMatch(/json-schema/);
    const text = JSON.stringify(schema);
    for (const type of ["filter", "sample", "dedupe", "resize", "dedupe-similar"]) expect(text).toContain(`"${type}"`);
  });

  it("lists plugins with their options, as text and as JSON", async () => {
    const text = captureOutput();
    expect(await runCli(["plugins"], text)).toBe(0);
    expect(text.stdout()).toMatch(/transform filter: /);
    expect(text.stdout()).toMatch(/namePattern/);
    const json = captureOutput();
    expect(await runCli(["plugins", "--json"], json)).toBe(0);
    const described = JSON.parse(json.stdout()) as Array<{ type: string; options: Array<{ name: string }> }>;
    const sample = described.find((plugin) => plugin.type === "sample");
    expect(sample?.options.map((option) => option.name)).toContain("fps");
  });
});

describe("runCli with other actions", () => {
  it("hands each command its parsed arguments and options, and exits with what the action returns", async () => {
    const calls: unknown[][] = [];
    const actions: CliActions = {
      ...cliActions,
      simulate: async (url, options) => {
        calls.push([url, options.participants, options.rate]);
        return 7;
      },
    };
    const argv = ["simulate", "ws://127.0.0.1:8080/recall/", "--participants", "4", "--rate", "max"];
    expect(await runCli(argv, captureOutput(), actions)).toBe(7);
    expect(calls).toEqual([["ws://127.0.0.1:8080/recall/", 4, "max"]]);
  });

  it("runs no action when the command line does not parse", async () => {
    const output = captureOutput();
    const actions: CliActions = { ...cliActions, simulate: async () => expect.unreachable() };
    expect(await runCli(["simulate", "ws://x/", "--participant", "4"], output, actions)).not.toBe(0);
    expect(output.stderr()).toMatch(/unknown option '--participant'[\s\S]*--participants/);
  });
});
