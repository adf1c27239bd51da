import { EventEmitter } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPluginModule } from "@framepipe/core";
import { videoFrameMessage } from "@framepipe/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCommand, runExitCodes } from "../src/commands/run-command.js";
import { framepipeCommand } from "../src/invocation.js";
import { runCli } from "../src/program.js";
import { captureOutput } from "./support/capture-output.js";
import { runRootTool } from "./support/run-tool.js";
import { workspaceTempDir } from "./support/workspace-temp-dir.js";

const kinds = ["source", "transform", "sink"] as const;
const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const packageFolder = "framepipe-sink-starter-package";
let workspace: { path: string; remove: () => Promise<void> };

async function scaffold(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = captureOutput();
  const code = await runCli(["new", "plugin", ...args], output);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

beforeAll(async () => {
  // Inside the workspace: the generated files import @framepipe/core, @framepipe/testing, zod,
  // rxjs and vitest as a user's project would, and those resolve from packages/cli.
  workspace = await workspaceTempDir("scaffold");
  for (const kind of kinds) {
    const result = await scaffold(kind, `starter-${kind}`, "--dir", workspace.path);
    expect(result.code, result.stderr).toBe(0);
  }
  const packaged = await scaffold("sink", "starter-package", "--dir", workspace.path, "--package", "--scope", "@acme");
  expect(packaged.code, packaged.stderr).toBe(0);
  // A user's project has its own vitest config (or none); this keeps the repository's from applying.
  await writeFile(join(workspace.path, "vitest.config.mjs"), "export default {};\n");
});

afterAll(() => workspace?.remove());

describe("framepipe new plugin <kind> <name> (a local plugin file)", () => {
  it.each(kinds)("writes a %s module that framepipe loads as a plugin of that kind", async (kind) => {
    const loaded = await loadPluginModule(`./starter-${kind}.ts`, { from: workspace.path });
    expect(loaded.ok, loaded.ok ? "" : loaded.message).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.definitions.map((definition) => [definition.kind, definition.type])).toEqual([
      [kind, `starter-${kind}`],
    ]);
    const test = await readFile(join(workspace.path, `starter-${kind}.test.ts`), "utf8");
    expect(test).toContain(`${kind}Contract(`);
    expect(test).toContain(`from "./starter-${kind}.js"`);
  });

  it("tells what to run next and how a pipeline lists the file", async () => {
    const directory = await mkdtemp(join(tmpdir(), "framepipe-next-"));
    try {
      const result = await scaffold("transform", "blur", "--dir", directory);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/wrote .*blur\.ts/);
      expect(result.stdout).toMatch(/wrote .*blur\.test\.ts/);
      expect(result.stdout).toContain('plugins: ["./blur.ts"]');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("validates a config that uses the generated plugins, and reports their unknown options", async () => {
    const pipeline = (transformOption: string) => `version: 1
plugins: ["./starter-source.ts", "./starter-transform.ts", "./starter-sink.ts"]
sources:
  input: { type: starter-source, file: ./meeting.ndjson }
transforms:
  blanks: { type: starter-transform, inputs: [input], ${transformOption} }
sinks:
  out: { type: starter-sink, inputs: [blanks], url: "http://127.0.0.1:9/frames" }
api: { port: null }
`;
    const file = join(workspace.path, "uses-plugins.yaml");
    await writeFile(file, pipeline("minBytes: 100"));
    const valid = captureOutput();
    expect(await runCli(["validate", file], valid), valid.stderr()).toBe(0);
    expect(valid.stdout()).toMatch(/blanks\s+starter-transform\s+<- input/);

    await writeFile(file, pipeline("minByte: 100"));
    const invalid = captureOutput();
    expect(await runCli(["validate", file], invalid)).toBe(1);
    expect(invalid.stderr()).toMatch(/uses-plugins\.yaml:6:\d+ transforms\.blanks\.minByte: .*minBytes/);
  });

  it("runs a pipeline of the three generated plugins end to end", async () => {
    const bodies: number[] = [];
    const server = createServer((request, response) => {
      let size = 0;
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
      });
      request.on("end", () => {
        bodies.push(size);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const messages = [1, 2, 3].map((id) => videoFrameMessage({ participant: { id, name: `P${id}` } }));
      await writeFile(join(workspace.path, "run.ndjson"), `${messages.join("\n")}\n`);
      const file = join(workspace.path, "run.yaml");
      await writeFile(
        file,
        `version: 1
plugins: ["./starter-source.ts", "./starter-transform.ts", "./starter-sink.ts"]
sources:
  input: { type: starter-source, file: "${join(workspace.path, "run.ndjson")}" }
transforms:
  blanks: { type: starter-transform, inputs: [input], minBytes: 0 }
sinks:
  out: { type: starter-sink, inputs: [blanks], url: "http://127.0.0.1:${port}/frames" }
api: { port: null }
log: { level: silent }
`,
      );
      const output = captureOutput();
      const code = await runCommand(file, { status: false, signals: new EventEmitter() }, output);
      expect(code, output.stderr()).toBe(runExitCodes.ok);
      expect(output.stderr()).toMatch(/written\s+3 to out/);
      expect(bodies).toHaveLength(3);
      expect(bodies.every((size) => size > 0)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("framepipe new plugin <kind> <name> --package", () => {
  it("writes a package folder whose src/index.ts default-exports the plugin", async () => {
    const root = join(workspace.path, packageFolder);
    expect((await readdir(root)).sort()).toEqual([
      ".gitignore",
      "README.md",
      "package.json",
      "src",
      "test",
      "tsconfig.json",
    ]);
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      name: string;
      type: string;
      peerDependencies: Record<string, string>;
      devDependencies: Record<string, string>;
      exports: Record<string, unknown>;
    };
    expect(manifest.name).toBe("@acme/framepipe-sink-starter-package");
    expect(manifest.type).toBe("module");
    expect(manifest.peerDependencies["@framepipe/core"]).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(Object.keys(manifest.devDependencies)).toEqual(
      expect.arrayContaining(["@framepipe/core", "@framepipe/testing", "vitest", "typescript"]),
    );
    expect(manifest.exports["."]).toEqual({ types: "./dist/src/index.d.ts", default: "./dist/src/index.js" });
    const loaded = await loadPluginModule(`./${packageFolder}/src/index.ts`, { from: workspace.path });
    expect(loaded.ok && loaded.definitions[0]?.type).toBe("starter-package");
    const readme = await readFile(join(root, "README.md"), "utf8");
    expect(readme).toContain('plugins: ["@acme/framepipe-sink-starter-package"]');
    expect(readme).toContain("type: starter-package");
  });
});

describe("the generated files", () => {
  it("pass their own tests (the contract suites) under vitest", { timeout: 240_000 }, async () => {
    const report = join(workspace.path, "vitest-report.json");
    const run = await runRootTool(
      "vitest",
      ["run", "--reporter=json", `--outputFile=${report}`],
      workspace.path,
      200_000,
    );
    expect(run.code, run.output.slice(-4000)).toBe(0);
    const results = JSON.parse(await readFile(report, "utf8")) as {
      numFailedTests: number;
      testResults: Array<{ name: string; assertionResults: Array<{ title: string; status: string }> }>;
    };
    expect(results.numFailedTests).toBe(0);
    const byFile = new Map(
      results.testResults.map((file) => [file.name.slice(workspace.path.length + 1), file.assertionResults]),
    );
    expect([...byFile.keys()].sort()).toEqual([
      `${packageFolder}/test/starter-package.test.ts`,
      "starter-sink.test.ts",
      "starter-source.test.ts",
      "starter-transform.test.ts",
    ]);
    for (const [file, tests] of byFile) {
      expect(tests.length, file).toBeGreaterThan(8);
      expect(
        tests.every((test) => test.status === "passed"),
        file,
      ).toBe(true);
      expect(tests.map((test) => test.title).some((title) => title.startsWith("definition is a frozen"))).toBe(true);
    }
  });

  it("type-check under strict settings (local files and the package)", { timeout: 120_000 }, async () => {
    await writeFile(
      join(workspace.path, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2023",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          types: ["node"],
          strict: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ["starter-*.ts"],
      }),
    );
    const local = await runRootTool("tsc", ["-p", "tsconfig.json"], workspace.path, 100_000);
    expect(local.code, local.output).toBe(0);
    const packaged = await runRootTool(
      "tsc",
      ["-p", "tsconfig.json", "--noEmit"],
      join(workspace.path, packageFolder),
      100_000,
    );
    expect(packaged.code, packaged.output).toBe(0);
  });
});

describe("framepipe new plugin: the next steps fit where the files were written", () => {
  async function inFolder(directory: string, ...args: string[]) {
    // The commands printed do not depend on how this test run was started.
    vi.stubEnv("npm_config_user_agent", "npm/11.0.0 node/v20.19.0 linux x64");
    vi.stubEnv("npm_command", "exec");
    vi.stubEnv("npm_lifecycle_event", "npx");
    try {
      return await scaffold("transform", "my-blur", "--dir", directory, ...args);
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it("outside any project: the install command (versions the CLI runs with) and a test command that runs there", async () => {
    const directory = await mkdtemp(join(tmpdir(), "framepipe-bare-"));
    try {
      const result = await inFolder(directory);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        /npm install -D @framepipe\/core@\^\d+\.\d+\.\d+ zod@\^4\.\d+\.\d+ @framepipe\/testing@\^\d+\.\d+\.\d+ vitest@\^4\.\d+\.\d+/,
      );
      // Run from another folder: vitest only collects files under its root, so the command goes there first.
      expect(result.stdout).toContain(`cd ${directory} && npx vitest run my-blur.test.ts`);
      expect(result.stdout).toContain('plugins: ["./my-blur.ts"]');
      expect(result.stdout).toContain("npx framepipe validate");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("inside the framepipe repository, where nothing installs the packages: says so instead of a command that fails", async () => {
    await mkdir(join(repositoryRoot, ".tmp"), { recursive: true });
    const directory = await mkdtemp(join(repositoryRoot, ".tmp", "scaffold-root-"));
    try {
      const result = await inFolder(directory);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/@framepipe\/core, zod, @framepipe\/testing are not installed for /);
      expect(result.stdout).toContain("Use framepipe in your own project");
      expect(result.stdout).not.toContain("vitest run");
      expect(result.stdout).not.toContain("npm install");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("where the packages resolve: no install line, and the test command of that project's package manager", async () => {
    // Inside the workspace (everything resolves, pnpm-workspace.yaml above), with a vitest config of its own.
    const folder = await workspaceTempDir("next-steps");
    try {
      await writeFile(join(folder.path, "vitest.config.mjs"), "export default {};\n");
      const result = await inFolder(folder.path);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/install/);
      expect(result.stdout).toMatch(
        /cd \S*next-steps-\w+ && pnpm exec vitest run my-blur\.test\.ts {3}\(the transform contract suite/,
      );
    } finally {
      await folder.remove();
    }
  });

  it("under a vitest config with projects: says the file has to be added to one", async () => {
    // No vitest config of its own: the repository's (one project per package) applies.
    const folder = await workspaceTempDir("under-projects");
    try {
      const result = await inFolder(folder.path);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/add my-blur\.test\.ts to a project in \S*vitest\.config\.ts first/);
    } finally {
      await folder.remove();
    }
  });

  it("prints framepipe commands the way framepipe was started", () => {
    const npm = "npm/11.0.0 node/v20.19.0 linux x64";
    const pnpm = "pnpm/10.34.9 npm/? node/v20.19.0 linux x64";
    expect(framepipeCommand({ npm_config_user_agent: npm, npm_command: "exec", npm_lifecycle_event: "npx" })).toBe(
      "npx framepipe",
    );
    expect(framepipeCommand({ npm_config_user_agent: npm, npm_command: "run", npm_lifecycle_event: "framepipe" })).toBe(
      "npm run framepipe --",
    );
    expect(
      framepipeCommand({ npm_config_user_agent: pnpm, npm_command: "run-script", npm_lifecycle_event: "framepipe" }),
    ).toBe("pnpm framepipe");
    expect(framepipeCommand({ npm_config_user_agent: pnpm, npm_command: "exec" })).toBe("pnpm exec framepipe");
    expect(framepipeCommand({ npm_config_user_agent: npm, npm_command: "run", npm_lifecycle_event: "start" })).toBe(
      "framepipe",
    );
    expect(framepipeCommand({})).toBe("framepipe");
  });
});

describe("the generated files pass the repository's lint", () => {
  it("biome check, for each kind, as a local file and as a package, with a short and a 64-character name", {
    timeout: 60_000,
  }, async () => {
    // Outside the repository (its biome config skips .tmp folders), checked with its biome.json.
    const directory = await mkdtemp(join(tmpdir(), "framepipe-lint-"));
    try {
      const long = `${"blur-".repeat(12)}abcd`;
      expect(long).toHaveLength(64);
      for (const kind of kinds) {
        for (const name of ["my-blur", long]) {
          const folder = join(directory, kind, String(name.length));
          for (const extra of [[], ["--package", "--scope", "@a-rather-long-scope-name"]]) {
            const result = await scaffold(kind, name, "--dir", folder, ...extra);
            expect(result.code, result.stderr).toBe(0);
          }
        }
      }
      const lint = await runRootTool(
        "biome",
        ["check", "--colors=off", `--config-path=${join(repositoryRoot, "biome.json")}`, directory],
        repositoryRoot,
        50_000,
      );
      expect(lint.code, lint.output).toBe(0);
      expect(lint.output).toMatch(/Checked (\d+) files/);
      expect(Number(/Checked (\d+) files/.exec(lint.output)?.[1])).toBeGreaterThanOrEqual(kinds.length * 2 * 5);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("framepipe new plugin refusals", () => {
  it("is listed in framepipe --help, with usage on new plugin --help", async () => {
    const help = captureOutput();
    expect(await runCli(["--help"], help)).toBe(0);
    expect(help.stdout()).toMatch(/\bnew\b/);
    const own = captureOutput();
    expect(await runCli(["new", "plugin", "--help"], own)).toBe(0);
    expect(own.stdout()).toContain("Usage: framepipe new plugin [options] <kind> <name>");
  });

  it("never overwrites a plugin file or a package folder", async () => {
    const file = join(workspace.path, "starter-transform.ts");
    const before = await readFile(file, "utf8");
    await writeFile(file, `${before}// edited by the user\n`);
    const again = await scaffold("transform", "starter-transform", "--dir", workspace.path);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not overwriting .*starter-transform\.ts/);
    expect(await readFile(file, "utf8")).toBe(`${before}// edited by the user\n`);

    const packaged = await scaffold("sink", "starter-package", "--dir", workspace.path, "--package");
    expect(packaged.code).toBe(1);
    expect(packaged.stderr).toMatch(/framepipe-sink-starter-package already exists/);
  });

  it("refuses bad names, kinds and scopes, writing nothing", async () => {
    const directory = await mkdtemp(join(tmpdir(), "framepipe-names-"));
    try {
      for (const name of ["Blur", "1blur", "blur_x", "blur-", "a--b", "blur.ts", `a${"b".repeat(64)}`]) {
        const result = await scaffold("transform", name, "--dir", directory);
        expect(result.code, name).toBe(1);
        expect(result.stderr, name).toMatch(/invalid plugin name/);
      }
      const kind = await scaffold("filter", "blur", "--dir", directory);
      expect(kind.stderr).toMatch(/unknown plugin kind "filter": expected one of source, transform, sink/);
      expect((await scaffold("sink", "kafka", "--dir", directory, "--scope", "@acme")).stderr).toMatch(
        /--scope .* with --package/,
      );
      expect((await scaffold("sink", "kafka", "--dir", directory, "--package", "--scope", "acme")).stderr).toMatch(
        /invalid npm scope/,
      );
      expect(await readdir(directory)).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
