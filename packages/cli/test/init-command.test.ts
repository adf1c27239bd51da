import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPipelineConfig } from "@framepipe/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { officialPlugins } from "../src/official-plugins.js";
import { runCli } from "../src/program.js";
import { captureOutput } from "./support/capture-output.js";
import { runRootTool } from "./support/run-tool.js";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
let directory: string;
const token = "starter-token-0123456789";

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "framepipe-init-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function init(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = captureOutput();
  const code = await runCli(["init", ...args], output);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

async function validate(file: string, env: { FRAMEPIPE_TOKEN?: string }) {
  const saved = process.env.FRAMEPIPE_TOKEN;
  if (env.FRAMEPIPE_TOKEN === undefined) delete process.env.FRAMEPIPE_TOKEN;
  else process.env.FRAMEPIPE_TOKEN = env.FRAMEPIPE_TOKEN;
  try {
    const output = captureOutput();
    const code = await runCli(["validate", file], output);
    return { code, stdout: output.stdout(), stderr: output.stderr() };
  } finally {
    if (saved === undefined) delete process.env.FRAMEPIPE_TOKEN;
    else process.env.FRAMEPIPE_TOKEN = saved;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("framepipe init", () => {
  it("is listed in framepipe --help and has its own help", async () => {
    const help = captureOutput();
    expect(await runCli(["--help"], help)).toBe(0);
    expect(help.stdout()).toMatch(/init \[options\] \[file\]/);
    const own = captureOutput();
    expect(await runCli(["init", "--help"], own)).toBe(0);
    expect(own.stdout()).toContain("Usage: framepipe init");
    expect(own.stdout()).toContain("--no-schema");
  });

  it("writes a starter pipeline that framepipe validate accepts (websocket → resize → fs)", async () => {
    const file = join(directory, "pipeline.yaml");
    const result = await init(file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("pipeline.yaml");
    const validated = await validate(file, { FRAMEPIPE_TOKEN: token });
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stdout).toMatch(/recall\s+websocket\s+.*path=\/recall\/ .*token=\[redacted\]/);
    expect(validated.stdout).toMatch(/thumbs\s+resize\s+<- recall\s+width=320 height=180 .*format=jpeg/);
    expect(validated.stdout).toMatch(/disk\s+fs\s+<- thumbs\s+dir=\.\/frames/);
    expect(validated.stdout).not.toContain(token);
  });

  it("takes the token from the environment: without FRAMEPIPE_TOKEN the only problem names it", async () => {
    const file = join(directory, "pipeline.yaml");
    await init(file);
    const validated = await validate(file, {});
    expect(validated.code).toBe(1);
    expect(validated.stderr).toMatch(
      /pipeline\.yaml:\d+:\d+ sources\.recall\.token: environment variable FRAMEPIPE_TOKEN is not set/,
    );
    expect(validated.stderr).toMatch(/1 problem found/);
  });

  it("puts the schema comment first and writes the schema of every official plugin beside the file", async () => {
    const file = join(directory, "pipeline.yaml");
    await init(file);
    const text = await readFile(file, "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./framepipe.schema.json");
    const schema = JSON.parse(await readFile(join(directory, "framepipe.schema.json"), "utf8")) as {
      $defs: Record<string, unknown>;
    };
    for (const definition of officialPlugins()) {
      expect(Object.keys(schema.$defs)).toContain(`${definition.kind}-${definition.type}`);
    }
    const printed = captureOutput();
    await runCli(["schema"], printed);
    expect(JSON.parse(printed.stdout())).toEqual(schema);
  });

  it("shows the runtime, api and log defaults commented out, and they are the real defaults", async () => {
    const file = join(directory, "pipeline.yaml");
    await init(file);
    const text = await readFile(file, "utf8");
    const defaultsStart = text.indexOf("# runtime:");
    expect(defaultsStart).toBeGreaterThan(0);
    // Uncommenting the defaults (not the example plugin entry) must change nothing.
    const uncommented = `${text.slice(0, defaultsStart)}${text
      .slice(defaultsStart)
      .split("\n")
      .filter((line) => !line.startsWith("# plugins:"))
      .map((line) => line.replace(/^# /, ""))
      .join("\n")}`;
    expect(uncommented).toMatch(/^runtime:\n {2}queue: 64/m);
    const explicit = join(directory, "explicit.yaml");
    await writeFile(explicit, uncommented);
    const env = { FRAMEPIPE_TOKEN: token };
    const options = { builtins: officialPlugins(), env };
    const [withDefaults, written] = await Promise.all([
      loadPipelineConfig(file, options),
      loadPipelineConfig(explicit, options),
    ]);
    expect(withDefaults.ok && written.ok).toBe(true);
    if (!withDefaults.ok || !written.ok) return;
    expect(written.config.runtime).toEqual(withDefaults.config.runtime);
    expect(written.config.api).toEqual(withDefaults.config.api);
    expect(written.config.log).toEqual(withDefaults.config.log);
  });

  it("writes files that pass the repository's lint (biome formats YAML and JSON too)", {
    timeout: 60_000,
  }, async () => {
    expect((await init(join(directory, "pipeline.yaml"))).code).toBe(0);
    expect((await init(join(directory, "bare.yml"), "--no-schema")).code).toBe(0);
    const lint = await runRootTool(
      "biome",
      ["check", "--colors=off", `--config-path=${join(repositoryRoot, "biome.json")}`, directory],
      repositoryRoot,
      50_000,
    );
    expect(lint.code, lint.output).toBe(0);
    expect(lint.output).toMatch(/Checked 3 files/);
  });

  it("prints the next commands the way framepipe was started", async () => {
    vi.stubEnv("npm_config_user_agent", "npm/11.0.0 node/v20.19.0 linux x64");
    vi.stubEnv("npm_command", "exec");
    vi.stubEnv("npm_lifecycle_event", "npx");
    try {
      const result = await init(join(directory, "pipeline.yaml"));
      expect(result.stdout).toMatch(/^ {2}npx framepipe validate .*pipeline\.yaml$/m);
      expect(result.stdout).toMatch(/^ {2}npx framepipe run .*pipeline\.yaml$/m);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses to replace an existing file unless --force", async () => {
    const file = join(directory, "pipeline.yaml");
    await writeFile(file, "version: 1 # mine\n");
    const refused = await init(file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/pipeline\.yaml already exists; use --force/);
    expect(await readFile(file, "utf8")).toBe("version: 1 # mine\n");
    const forced = await init(file, "--force");
    expect(forced.code).toBe(0);
    expect(await readFile(file, "utf8")).toContain("type: websocket");
  });

  it("writes no schema with --no-schema, and says how to get one", async () => {
    const file = join(directory, "pipeline.yml");
    expect((await init(file, "--no-schema")).code).toBe(0);
    expect(await exists(join(directory, "framepipe.schema.json"))).toBe(false);
    const text = await readFile(file, "utf8");
    expect(text).not.toContain("yaml-language-server: $schema");
    expect(text).toContain("framepipe schema -o framepipe.schema.json");
  });

  it("defaults to pipeline.yaml in the working directory and refuses other extensions", async () => {
    const previous = process.cwd();
    process.chdir(directory);
    try {
      expect((await init()).code).toBe(0);
      expect(await exists(join(directory, "pipeline.yaml"))).toBe(true);
      const json = await init("pipeline.json");
      expect(json.code).toBe(1);
      expect(json.stderr).toMatch(/\*\.yaml or \*\.yml/);
      expect(await exists(join(directory, "pipeline.json"))).toBe(false);
    } finally {
      process.chdir(previous);
    }
  });
});
