import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStreamOutputs, type StreamOutput } from "../src/frames-tree.js";

const exampleDirectory = fileURLToPath(new URL("..", import.meta.url));
let output: string;
let result: { code: number | null; stdout: string; stderr: string };
let streams: StreamOutput[];

/** Runs `tsx run-demo.ts` as the root script does, with a 3 s meeting and a temporary output. */
function runDemo(args: readonly string[]): Promise<typeof result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "run-demo.ts", ...args], {
      cwd: exampleDirectory,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  output = join(await mkdtemp(join(tmpdir(), "framepipe-demo-")), "demo-output");
  result = await runDemo(["--duration", "3", "--output", output]);
  streams = await readStreamOutputs(join(output, "frames"));
}, 90_000);

afterAll(async () => {
  if (output) await rm(join(output, ".."), { recursive: true, force: true });
});

describe("the demo (tsx examples/demo/run-demo.ts --duration 3)", () => {
  it("exits 0 and says every frame was written", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("demo OK");
  });

  it("writes 320×180-bounded JPEG thumbnails: 3 webcams and 1 screenshare, 6 frames each", () => {
    expect(streams.map((stream) => stream.type).sort()).toEqual(["screenshare", "webcam", "webcam", "webcam"]);
    for (const stream of streams) {
      expect(stream.frames).toBe(6);
      expect(stream.manifestLines).toBe(6);
      expect(stream.image).toBe(stream.type === "webcam" ? "240×180 jpeg" : "320×180 jpeg");
    }
    // One participant joined without a name; the simulator sent it later.
    expect(streams.some((stream) => stream.unnamedFrames > 0 && stream.name !== null)).toBe(true);
  });

  it("prints the tree, framepipe's summary and the simulator's report", () => {
    expect(result.stdout).toContain("where the frames went:");
    expect(result.stdout).toMatch(/webcam\/\s+6 frames/);
    expect(result.stdout).toMatch(/written\s+24 to disk/);
    expect(result.stdout).toMatch(/unwritten\s+0/);
    expect(result.stdout).toMatch(/simulator: completed/);
  });

  it("writes only inside its output folder: frames, the pipeline's log and its marker", async () => {
    expect((await readdir(output)).sort()).toEqual([".framepipe-demo", "framepipe.log", "frames"]);
    const log = await readFile(join(output, "framepipe.log"), "utf8");
    expect(log).toContain('"msg":"pipeline stopped"');
    expect(existsSync(join(exampleDirectory, "demo-output"))).toBe(false);
  });

  it("refuses to empty an --output folder it did not create", async () => {
    const foreign = await mkdtemp(join(tmpdir(), "framepipe-demo-foreign-"));
    await writeFile(join(foreign, "notes.txt"), "keep me");
    try {
      const refused = await runDemo(["--duration", "1", "--output", foreign]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("was not made by the demo");
      expect(await readFile(join(foreign, "notes.txt"), "utf8")).toBe("keep me");
    } finally {
      await rm(foreign, { recursive: true, force: true });
    }
  }, 30_000);
});
