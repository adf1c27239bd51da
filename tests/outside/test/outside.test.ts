// framepipe as someone outside this repository gets it: the packages packed as they would be
// published (`npm run pack`), installed with npm (no pnpm, no workspace) in a new project under the
// system's temp folder, and used the three ways the docs describe: the `framepipe` command
// (validate, run fed by simulate), an app embedding createPipeline on its own http.Server, and a
// plugin scaffolded with `framepipe new plugin`, tested with that project's vitest and loaded by a
// pipeline; and scale-out, examples/scale-out's ingest and worker pipelines over a real nats-server. The packing and the install happen once, in beforeAll; npm's cache makes reruns fast.
// FRAMEPIPE_KEEP_OUTSIDE=1 keeps the project (under the system temp folder) for a look afterwards.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const token = "outside-token-0123456789";
// The dev tools README.md ("Use framepipe in your own project") has users install next to the
// tarballs: vitest 4 and @types/node 20, since vitest 5 needs Node 22.
const devTools = ["tsx", "typescript", "vitest@4", "@types/node@20"];
let temp: string;
let project: string;
let tarballs: string[];
const running = new Set<ChildProcess>();

/** The environment of a shell outside the workspace: nothing the surrounding pnpm, npm or vitest run set. */
function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // npm settings a machine may need to reach its registry; every other npm_* variable is run state.
  const npmSettings = new Set(
    ["registry", "cache", "userconfig", "globalconfig", "proxy", "https_proxy", "noproxy", "strict_ssl", "cafile"].map(
      (name) => `npm_config_${name}`,
    ),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    if (lower.startsWith("npm_") && !npmSettings.has(lower)) continue;
    if (name.startsWith("VITEST") || name.startsWith("PNPM") || name === "TEST" || name === "INIT_CWD") continue;
    // NODE_PATH (set by `pnpm exec`) would let require() find the workspace's packages.
    if (name === "NODE_PATH" || name === "NODE_OPTIONS" || name === "NODE_ENV") continue;
    env[name] = value;
  }
  // `pnpm exec` puts the workspace's node_modules/.bin folders on PATH: a user's shell has none of them.
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => !entry.startsWith(repositoryRoot) && !entry.includes(`${repositoryRoot}node_modules`))
    .join(delimiter);
  return { ...env, ...extra };
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** A command running in its own process group (so a Ctrl-C can be sent to all of it), output kept. */
class Command {
  readonly child: ChildProcess;
  output = "";
  readonly finished: Promise<Finished>;

  constructor(command: string, args: readonly string[], options: { cwd: string; env?: Record<string, string> }) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: userEnvironment(options.env),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      shell: process.platform === "win32",
    });
    running.add(this.child);
    const append = (chunk: Buffer) => {
      this.output += chunk.toString();
    };
    this.child.stdout?.on("data", append);
    this.child.stderr?.on("data", append);
    // "close": the process exited and every holder of its output (children included) is done.
    this.finished = new Promise((resolve) => {
      this.child.on("error", (error) => {
        this.output += String(error);
        resolve({ code: null, signal: null, output: this.output });
      });
      this.child.on("close", (code, signal) => {
        running.delete(this.child);
        resolve({ code, signal, output: this.output });
      });
    });
  }

  async waitFor(text: string | RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const found = () => (typeof text === "string" ? this.output.includes(text) : text.test(this.output));
    while (!found()) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${String(text)} in the output of ${this.child.spawnargs.join(" ")}:\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Signals the process, or with `group` its whole process group, as Ctrl-C in a terminal does. */
  signal(signal: NodeJS.Signals, options: { group?: boolean } = {}): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    process.kill(options.group ? -pid : pid, signal);
  }
}

/** Runs a command to completion, killing it after `timeoutMs`. */
async function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs: number },
): Promise<Finished> {
  const started = new Command(command, args, {
    cwd: options.cwd ?? project,
    ...(options.env ? { env: options.env } : {}),
  });
  const timer = setTimeout(() => started.signal("SIGKILL", { group: true }), options.timeoutMs);
  try {
    return await started.finished;
  } finally {
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** `npx framepipe simulate` against a receiver: a bounded, tiny-image meeting of 2 participants. */
async function simulate(port: number): Promise<{ result: Finished; sent: number }> {
  const result = await run(
    "npx",
    [
      "framepipe",
      "simulate",
      `ws://127.0.0.1:${port}/recall/`,
      "--token",
      token,
      "--participants",
      "2",
      "--fps",
      "4",
      "--duration",
      "2",
      "--images",
      "tiny",
    ],
    { timeoutMs: 60_000 },
  );
  const total = /total: (\d+)\/(\d+) frames/.exec(result.output);
  return { result, sent: total?.[1] === total?.[2] ? Number(total?.[1]) : -1 };
}

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "framepipe-outside-"));
  // Outside the workspace: nothing there can resolve from the repository's node_modules.
  expect(`${temp}/`.startsWith(repositoryRoot)).toBe(false);
  // The root script a release would use: builds (tsc -b) and packs every publishable package.
  const packed = await run(process.execPath, ["scripts/pack-packages.mjs", "--out", join(temp, "tarballs")], {
    cwd: repositoryRoot,
    timeoutMs: 240_000,
  });
  expect(packed.code, packed.output).toBe(0);
  tarballs = (await readdir(join(temp, "tarballs")))
    .filter((name) => name.endsWith(".tgz"))
    .map((name) => join(temp, "tarballs", name));
  expect(tarballs.length).toBeGreaterThanOrEqual(9);

  project = join(temp, "app");
  await mkdir(project);
  await writeFile(
    join(project, "package.json"),
    `${JSON.stringify({ name: "outside-app", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  // The README's commands: every tarball (they depend on each other), then the dev tools.
  // --prefer-offline: npm's cache answers for what it already holds, so reruns are fast.
  const options = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];
  for (const args of [[...tarballs], ["-D", ...devTools]]) {
    const installed = await run("npm", ["install", ...options, ...args], { timeoutMs: 300_000 });
    expect(installed.code, installed.output).toBe(0);
  }
}, 720_000);

afterAll(async () => {
  for (const child of running) {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  if (temp !== undefined && process.env.FRAMEPIPE_KEEP_OUTSIDE === undefined) {
    await rm(temp, { recursive: true, force: true });
  }
});

describe("the installed packages", () => {
  it("are the published form: compiled entries, declarations, README, LICENSE, real version ranges", async () => {
    const names = [
      "cli",
      "core",
      "sink-fs",
      "sink-nats",
      "sink-preview",
      "sink-record",
      "sink-s3",
      "source-nats",
      "source-replay",
      "source-websocket",
      "testing",
      "transform-resize",
    ];
    for (const name of names) {
      const folder = join(project, "node_modules", "@framepipe", name);
      const text = await readFile(join(folder, "package.json"), "utf8");
      expect(text, name).not.toContain("workspace:");
      expect(text, name).not.toContain("framepipe-compiled");
      const manifest = JSON.parse(text) as { exports: Record<string, { types?: string; default?: string } | string> };
      const main = manifest.exports["."];
      expect(typeof main === "object" && main.default, name).toBe("./dist/src/index.js");
      expect(typeof main === "object" && main.types, name).toBe("./dist/src/index.d.ts");
      const files = await readdir(folder);
      expect(files, name).toEqual(expect.arrayContaining(["LICENSE", "README.md", "dist", "package.json"]));
      expect(await readFile(join(folder, "LICENSE"), "utf8")).toBe(
        await readFile(join(repositoryRoot, "LICENSE"), "utf8"),
      );
    }
  });

  it("load their native parts from the registry's builds: sharp, and bufferutil (not its JavaScript fallback)", async () => {
    // Resolved as the packages that use them resolve them: sharp from transform-resize, bufferutil from source-websocket.
    const from = (name: string) => JSON.stringify(join(project, "node_modules/@framepipe", name, "package.json"));
    const script = [
      "const { createRequire } = require('node:module');",
      `const sharp = createRequire(${from("transform-resize")})('sharp');`,
      `const requireWs = createRequire(${from("source-websocket")});`,
      "const native = requireWs('bufferutil').mask !== requireWs('bufferutil/fallback.js').mask;",
      "sharp({ create: { width: 4, height: 3, channels: 3, background: '#08f' } }).png().toBuffer()",
      "  .then((png) => sharp(png).metadata())",
      "  .then(({ width }) => console.log(JSON.stringify({ width, native })));",
    ].join("\n");
    const result = await run(process.execPath, ["-e", script], { timeoutMs: 30_000 });
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output.trim())).toEqual({ width: 4, native: true });
  });
});

describe("npx framepipe", () => {
  it("writes a starter pipeline that validates once FRAMEPIPE_TOKEN is set", async () => {
    const init = await run("npx", ["framepipe", "init", "starter.yaml"], { timeoutMs: 60_000 });
    expect(init.code, init.output).toBe(0);
    expect(init.output).toContain("npx framepipe validate starter.yaml");
    const valid = await run("npx", ["framepipe", "validate", "starter.yaml"], {
      env: { FRAMEPIPE_TOKEN: token },
      timeoutMs: 60_000,
    });
    expect(valid.code, valid.output).toBe(0);
    expect(valid.output).toMatch(/thumbs\s+resize\s+<- recall/);
  }, 120_000);

  it("validates a pipeline: exit 0 with the graph, exit 1 with file:line:col for a mistake", async () => {
    await copyFile(join(fixtures, "pipeline.yaml"), join(project, "pipeline.yaml"));
    const env = { FRAMEPIPE_TOKEN: token, FRAMEPIPE_PORT: "8080" };
    const version = await run("npx", ["framepipe", "--version"], { timeoutMs: 30_000 });
    expect(version.code, version.output).toBe(0);
    expect(version.output.trim()).toBe(
      JSON.parse(await readFile(join(project, "node_modules/@framepipe/cli/package.json"), "utf8")).version,
    );

    const valid = await run("npx", ["framepipe", "validate", "pipeline.yaml"], { env, timeoutMs: 60_000 });
    expect(valid.code, valid.output).toBe(0);
    expect(valid.output).toMatch(/recall\s+websocket\s+.*token=\[redacted\]/);
    expect(valid.output).toMatch(/disk\s+fs\s+<- recall/);
    expect(valid.output).not.toContain(token);

    await writeFile(
      join(project, "broken.yaml"),
      (await readFile(join(project, "pipeline.yaml"), "utf8")).replace("dir:", "dri:"),
    );
    const broken = await run("npx", ["framepipe", "validate", "broken.yaml"], { env, timeoutMs: 60_000 });
    expect(broken.code).toBe(1);
    expect(broken.output).toMatch(/broken\.yaml:\d+:\d+ sinks\.disk\.dri: .*dir/);
  }, 180_000);

  it("runs websocket → fs fed by npx framepipe simulate, and drains on Ctrl-C", async () => {
    const port = await freePort();
    const receiver = new Command("npx", ["framepipe", "run", "pipeline.yaml"], {
      cwd: project,
      env: { FRAMEPIPE_TOKEN: token, FRAMEPIPE_PORT: String(port) },
    });
    await receiver.waitFor("pipeline started", 60_000);
    const { result, sent } = await simulate(port);
    expect(result.code, result.output).toBe(0);
    expect(sent, result.output).toBe(16); // 2 participants × 4 fps × 2 s
    // Ctrl-C in a terminal: SIGINT to the whole foreground process group (npx, its shell, framepipe).
    receiver.signal("SIGINT", { group: true });
    const stopped = await receiver.finished;
    expect(stopped.output).toMatch(/framepipe stopped \(/);
    expect(stopped.output).toMatch(/received\s+16 frames/);
    expect(stopped.output).toMatch(/written\s+16 to disk/);
    expect(stopped.output).toMatch(/unwritten\s+0/);
    const frames = await filesUnder(join(project, "frames"));
    expect(frames).toHaveLength(16);
    expect(frames.every((file) => file.endsWith(".png"))).toBe(true);
  }, 180_000);
});

describe("scale-out with the installed nats packages", () => {
  it("runs examples/scale-out's ingest.yaml and worker.yaml: every simulated frame becomes a thumbnail once", async () => {
    // A real nats-server, as the example's README starts it (the project's script, a free port).
    const natsFolder = join(temp, "nats");
    const scripts = join(repositoryRoot, "scripts", "nats");
    const natsEnv = { FRAMEPIPE_NATS_DIR: natsFolder };
    const started = await run("bash", [join(scripts, "start.sh")], { env: natsEnv, timeoutMs: 120_000 });
    expect(started.code, started.output).toBe(0);
    try {
      const natsUrl = /FRAMEPIPE_NATS_URL=(\S+)/.exec(await readFile(join(natsFolder, "env"), "utf8"))?.[1] ?? "";
      for (const file of ["ingest.yaml", "worker.yaml"]) {
        await copyFile(join(repositoryRoot, "examples", "scale-out", file), join(project, file));
      }
      const port = await freePort();
      const ingest = new Command("npx", ["framepipe", "run", "ingest.yaml"], {
        cwd: project,
        env: {
          FRAMEPIPE_TOKEN: token,
          FRAMEPIPE_PORT: String(port),
          FRAMEPIPE_NATS_URL: natsUrl,
          FRAMEPIPE_API_PORT: String(await freePort()),
        },
      });
      await ingest.waitFor("pipeline started", 60_000);
      const worker = new Command("npx", ["framepipe", "run", "worker.yaml"], {
        cwd: project,
        env: {
          FRAMEPIPE_NATS_URL: natsUrl,
          FRAMES_DIR: "./scaled-frames",
          FRAMEPIPE_API_PORT: String(await freePort()),
        },
      });
      await worker.waitFor("pipeline started", 60_000);
      const { result, sent } = await simulate(port);
      expect(result.code, result.output).toBe(0);
      expect(sent, result.output).toBe(16);
      // The worker resizes what the ingest node published: 16 JPEG thumbnails, then the manifests.
      const thumbnails = async () =>
        (await filesUnder(join(project, "scaled-frames"))).filter((file) => file.endsWith(".jpg"));
      const deadline = Date.now() + 60_000;
      while ((await thumbnails()).length < 16) {
        if (Date.now() > deadline)
          throw new Error(`worker wrote ${(await thumbnails()).length} of 16:\n${worker.output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      ingest.signal("SIGINT", { group: true });
      worker.signal("SIGINT", { group: true });
      const [ingestStopped, workerStopped] = await Promise.all([ingest.finished, worker.finished]);
      expect(ingestStopped.output).toMatch(/written\s+16 to bus/);
      expect(workerStopped.output).toMatch(/written\s+16 to disk/);
      expect(workerStopped.output).toMatch(/unwritten\s+0/);
      expect(await thumbnails()).toHaveLength(16);
    } finally {
      await run("bash", [join(scripts, "stop.sh")], { env: natsEnv, timeoutMs: 60_000 });
    }
  }, 300_000);
});

describe("a plugin made with npx framepipe new plugin", () => {
  it("is written with next steps that work here, and passes its contract test under the project's vitest", async () => {
    const scaffold = await run("npx", ["framepipe", "new", "plugin", "transform", "x"], { timeoutMs: 60_000 });
    expect(scaffold.code, scaffold.output).toBe(0);
    // Everything it imports is installed here: no install step, and the test command runs as printed.
    expect(scaffold.output).not.toMatch(/npm install/);
    const command = /^ {2}(npx vitest run x\.test\.ts)\b/m.exec(scaffold.output)?.[1];
    expect(command, scaffold.output).toBe("npx vitest run x.test.ts");
    expect(scaffold.output).toContain('plugins: ["./x.ts"]');
    expect(scaffold.output).toContain("npx framepipe validate");

    const report = join(project, "vitest-report.json");
    const tested = await run("npx", ["vitest", "run", "x.test.ts", "--reporter=json", `--outputFile=${report}`], {
      timeoutMs: 120_000,
    });
    expect(tested.code, tested.output).toBe(0);
    const results = JSON.parse(await readFile(report, "utf8")) as { numPassedTests: number; numFailedTests: number };
    expect(results.numFailedTests).toBe(0);
    expect(results.numPassedTests).toBeGreaterThan(8);
  }, 180_000);

  it("loads from a pipeline's plugins: and transforms frames, the framepipe bin stopped by SIGTERM exiting 0", async () => {
    await copyFile(join(fixtures, "plugin-pipeline.yaml"), join(project, "plugin-pipeline.yaml"));
    const port = await freePort();
    const env = { FRAMEPIPE_TOKEN: token, FRAMEPIPE_PORT: String(port) };
    const valid = await run("npx", ["framepipe", "validate", "plugin-pipeline.yaml"], { env, timeoutMs: 60_000 });
    expect(valid.code, valid.output).toBe(0);
    expect(valid.output).toMatch(/keep-all\s+x\s+<- recall\s+minBytes=0/);

    // The bin itself, as a container or process manager starts it, so SIGTERM reaches framepipe.
    const receiver = new Command(join(project, "node_modules/.bin/framepipe"), ["run", "plugin-pipeline.yaml"], {
      cwd: project,
      env,
    });
    await receiver.waitFor("pipeline started", 60_000);
    const { result, sent } = await simulate(port);
    expect(result.code, result.output).toBe(0);
    expect(sent, result.output).toBe(16);
    receiver.signal("SIGTERM");
    const stopped = await receiver.finished;
    expect(stopped.code, stopped.output).toBe(0);
    expect(stopped.output).toMatch(/written\s+16 to kept/);
    expect(await filesUnder(join(project, "plugin-frames/kept"))).toHaveLength(16);
    expect(await filesUnder(join(project, "plugin-frames/dropped"))).toHaveLength(0);
  }, 180_000);
});

describe("a plugin package made with npx framepipe new plugin --package", () => {
  it("installs (core and testing from their tarballs until published), passes npm test and builds", async () => {
    const scaffold = await run("npx", ["framepipe", "new", "plugin", "sink", "y", "--package", "--scope", "@acme"], {
      timeoutMs: 60_000,
    });
    expect(scaffold.code, scaffold.output).toBe(0);
    const folder = join(project, "framepipe-sink-y");
    expect(scaffold.output).toContain("cd framepipe-sink-y && npm install && npm test");
    // docs/writing-plugins.md, "Publishing a plugin": the two tarballs stand in for the registry.
    const byName = (name: string) => tarballs.find((file) => file.includes(`framepipe-${name}-`)) ?? name;
    const options = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"];
    const installed = await run("npm", ["install", ...options, "--no-save", byName("core"), byName("testing")], {
      cwd: folder,
      timeoutMs: 300_000,
    });
    expect(installed.code, installed.output).toBe(0);
    const tested = await run("npm", ["test"], { cwd: folder, timeoutMs: 120_000 });
    expect(tested.code, tested.output).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: vitest colours its summary
    expect(tested.output.replace(/\x1b\[[0-9;]*m/g, "")).toMatch(/Tests\s+\d+ passed \(\d+\)/);
    const built = await run("npm", ["run", "build"], { cwd: folder, timeoutMs: 120_000 });
    expect(built.code, built.output).toBe(0);
    const exported = await readdir(join(folder, "dist/src"));
    expect(exported).toEqual(expect.arrayContaining(["index.js", "index.d.ts"]));
  }, 420_000);
});

describe("TypeScript in the project", () => {
  it("type-checks the embedding app and the scaffolded plugin with strict settings and the packages' declarations", async () => {
    await copyFile(join(fixtures, "embed.ts"), join(project, "embed.ts"));
    await copyFile(join(fixtures, "tsconfig.json"), join(project, "tsconfig.json"));
    const checked = await run("npx", ["tsc", "-p", "tsconfig.json"], { timeoutMs: 120_000 });
    expect(checked.code, checked.output).toBe(0);
  }, 180_000);

  it("runs an app embedding createPipeline on its own http.Server with npx tsx", async () => {
    await copyFile(join(fixtures, "embed.ts"), join(project, "embed.ts"));
    const ran = await run("npx", ["tsx", "embed.ts"], { timeoutMs: 120_000 });
    expect(ran.code, ran.output).toBe(0);
    const line = ran.output.trim().split("\n").at(-1) ?? "";
    expect(JSON.parse(line)).toEqual({
      health: "ok",
      outcome: "completed",
      sent: 16,
      seen: 16,
      participants: 2,
      written: 16,
      unwritten: 0,
      files: 16,
      state: "stopped",
    });
  }, 180_000);
});
