import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { VideoFrame } from "../../src/model/video-frame.js";
import { filterTransform } from "../../src/transforms/filter.js";
import { makeFrame } from "./support/make-frame.js";
import { makeContext } from "./support/plugin-harness.js";

async function createFilter(input: unknown): Promise<(frame: VideoFrame) => unknown> {
  const options = filterTransform.options.parse(input);
  const instance = await filterTransform.create(options, makeContext());
  if (instance.process === undefined) throw new Error("filter should be a per-frame transform");
  return instance.process;
}

const alice = makeFrame({ participantId: 1, name: "Alice Martin", isHost: true, type: "webcam" });
const aliceScreen = makeFrame({ participantId: 1, name: "Alice Martin", isHost: true, type: "screenshare" });
const bob = makeFrame({ participantId: 2, name: "bob", type: "webcam" });
const nameless = makeFrame({ participantId: 3, name: null, type: "screenshare" });
const everyone = [alice, aliceScreen, bob, nameless];

async function kept(input: unknown): Promise<VideoFrame[]> {
  const process = await createFilter(input);
  const results = everyone.map((frame) => process(frame));
  return everyone.filter((_, index) => results[index] !== null);
}

describe("filter transform", () => {
  it("keeps everything with no criteria", async () => {
    expect(await kept({})).toEqual(everyone);
  });

  it("filters by type", async () => {
    expect(await kept({ types: ["screenshare"] })).toEqual([aliceScreen, nameless]);
  });

  it("filters by included and excluded participant ids", async () => {
    expect(await kept({ participantIds: [1, 2] })).toEqual([alice, aliceScreen, bob]);
    expect(await kept({ excludeParticipantIds: [1] })).toEqual([bob, nameless]);
    expect(await kept({ participantIds: [1, 2], excludeParticipantIds: [1] })).toEqual([bob]);
  });

  it("filters by host flag both ways", async () => {
    expect(await kept({ host: true })).toEqual([alice, aliceScreen]);
    expect(await kept({ host: false })).toEqual([bob, nameless]);
  });

  it("matches names case-insensitively by default and case-sensitively on request", async () => {
    expect(await kept({ namePattern: "^(alice|BOB)" })).toEqual([alice, aliceScreen, bob]);
    expect(await kept({ namePattern: "^(alice|BOB)", ignoreCase: false })).toEqual([]);
    expect(await kept({ namePattern: "^Alice", ignoreCase: false })).toEqual([alice, aliceScreen]);
  });

  it('matches a participant without a name as ""', async () => {
    expect(await kept({ namePattern: "^$" })).toEqual([nameless]);
    expect(await kept({ namePattern: "." })).toEqual([alice, aliceScreen, bob]);
  });

  it("requires every criterion to match", async () => {
    expect(await kept({ types: ["webcam"], host: true, namePattern: "martin" })).toEqual([alice]);
    expect(await kept({ types: ["screenshare"], participantIds: [2] })).toEqual([]);
  });

  it("returns the same frozen frame object, unchanged", async () => {
    const process = await createFilter({ types: ["webcam"] });
    const before = JSON.stringify(alice);
    const result = process(alice);
    expect(result).toBe(alice);
    expect(Object.isFrozen(result)).toBe(true);
    expect(JSON.stringify(alice)).toBe(before);
  });

  it("rejects an invalid regular expression at config time with a clear message", () => {
    const result = filterTransform.options.safeParse({ namePattern: "(unclosed" });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual(["namePattern"]);
    expect(issue?.message).toMatch(/^invalid regular expression "\(unclosed": .*/);
  });

  it("rejects unknown keys and wrongly typed values", () => {
    const unknown = filterTransform.options.safeParse({ typo: true });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.code).toBe("unrecognized_keys");
    expect(filterTransform.options.safeParse({ types: ["audio"] }).success).toBe(false);
    expect(filterTransform.options.safeParse({ types: [] }).success).toBe(false);
    expect(filterTransform.options.safeParse({ participantIds: ["7"] }).success).toBe(false);
  });

  it("describes every option and converts to JSON Schema", () => {
    const schema = z.toJSONSchema(filterTransform.options, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
      additionalProperties: boolean;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      ["excludeParticipantIds", "host", "ignoreCase", "namePattern", "participantIds", "types"].sort(),
    );
    for (const [key, property] of Object.entries(schema.properties)) {
      expect(property.description, key).toBeTruthy();
    }
    expect(schema.additionalProperties).toBe(false);
  });
});
