import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { compilePathTemplate, type VideoFrame } from "@framepipe/core";
import { createTestContext, createTestFrame } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import { fsSink } from "../src/index.js";
import { tempDir, walk, walkFiles } from "./support/temp-dir.js";

/** Names from outside: participant names, recording and bot ids, metadata values. */
const hostile: ReadonlyArray<readonly [string, string]> = [
  ["parent traversal", "../../etc"],
  ["deep traversal", "../../../../../../../../tmp/pwned"],
  ["slash", "a/b"],
  ["absolute", "/etc/passwd"],
  ["UNC path", "\\\\server\\share"],
  ["backslash traversal", "..\\..\\windows"],
  ["reserved", "CON"],
  ["reserved with extension", "con.txt"],
  ["reserved device", "LPT1"],
  ["300 characters", "n".repeat(300)],
  ["300 emoji", "😀".repeat(300)],
  ["emoji", "😀 Zoë 李"],
  ["empty", ""],
  ["NUL", "a\0b"],
  ["only NUL", "\0"],
  ["control characters", "\u0001\u0002\u001B[31mred\u007F"],
  ["newline", "line\nbreak"],
  ["dot", "."],
  ["dot dot", ".."],
  ["dots", "..."],
  ["space", " "],
  ["spaces and dots", " . . "],
  ["hidden", ".ssh"],
  ["bidi override", "\u202Egnp.exe"],
  ["windows specials", 'a<b>c:d"e|f?g*h'],
  ["home", "~"],
  ["percent-encoded", "%2e%2e%2f"],
];

const template = "{recording.id}/{bot.id}/{participant.name}-{recording.metadata.team}/{participant.name}.{seq}.{ext}";

function hostileFrame(name: string, seq: number): VideoFrame {
  return createTestFrame({
    seq,
    recording: { id: name, metadata: { team: name } },
    bot: { id: name },
    participant: { name },
  });
}

describe("hostile names never leave dir", () => {
  it.each(hostile)("%s", async (_label, name) => {
    const sandbox = await tempDir();
    const root = join(sandbox, "root");
    await mkdir(join(sandbox, "outside"));
    const sink = await fsSink.create(
      fsSink.options.parse({ dir: root, path: template, manifest: true }),
      createTestContext({ type: "fs", componentId: "disk" }),
    );
    const frames = [hostileFrame(name, 0), hostileFrame(name, 1)];
    for (const frame of frames) await sink.write(frame);
    await sink.close?.();

    expect(await walk(sandbox)).toEqual(expect.arrayContaining(["outside", "root"]));
    for (const entry of await walk(sandbox)) {
      expect(entry === "outside" || entry === "root" || entry.startsWith("root/"), entry).toBe(true);
    }
    const files = await walkFiles(root);
    const compiled = compilePathTemplate(template);
    for (const frame of frames) {
      const relative = compiled.render(frame);
      expect(files).toContain(relative);
      expect(await readFile(join(root, relative))).toEqual(frame.image.data);
    }
    // Two frames and one manifest: no segment was lost or merged.
    expect(files).toHaveLength(3);
    for (const file of files) {
      for (const segment of file.split("/")) {
        expect(segment).not.toMatch(/^\.{1,2}$/);
        expect(segment.startsWith(".")).toBe(false);
        expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(255);
      }
    }
  });

  it("keeps names that differ only beyond the truncation point in distinct files", async () => {
    const root = await tempDir();
    const sink = await fsSink.create(
      fsSink.options.parse({ dir: root, path: "{participant.name}.{ext}" }),
      createTestContext(),
    );
    const base = "x".repeat(250);
    const first = createTestFrame({ participant: { name: `${base}-first` } });
    const second = createTestFrame({ participant: { name: `${base}-second` }, seq: 1 });
    await sink.write(first);
    await sink.write(second);
    const files = await walkFiles(root);
    expect(files).toHaveLength(2);
    expect(files[0]).not.toBe(files[1]);
  });
});

describe("distinct values never share a file", () => {
  it.each([
    ["..", "."],
    [".", ""],
    ["a/b", "a_b"],
    ["a/b", "a\\b"],
    ["CON", "_CON"],
    ["name.", "name"],
  ])("recordings %j and %j both land, in files of their own", async (first, second) => {
    const root = join(await tempDir(), "root");
    const sink = await fsSink.create(
      fsSink.options.parse({ dir: root, path: "{recording.id}/{seq}.{ext}" }),
      createTestContext({ type: "fs", componentId: "disk" }),
    );
    // A second stream rendering to the first one's folder would be numbered after it there.
    await sink.write(createTestFrame({ seq: 0, recording: { id: first } }));
    await sink.write(createTestFrame({ seq: 0, recording: { id: second } }));
    await sink.close?.();
    const files = await walkFiles(root);
    expect(files).toHaveLength(2);
    expect(new Set(files.map((file) => file.split("/")[0])).size).toBe(2);
  });
});
