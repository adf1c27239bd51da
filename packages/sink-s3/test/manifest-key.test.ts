import { describe, expect, it } from "vitest";
import { defaultManifestKeyTemplate, templateFolder } from "../src/manifest-key.js";
import { DEFAULT_KEY_TEMPLATE } from "../src/s3-sink-options.js";

describe("defaultManifestKeyTemplate", () => {
  it("puts manifest.ndjson beside the frames when their folder is per stream", () => {
    expect(defaultManifestKeyTemplate(DEFAULT_KEY_TEMPLATE)).toBe(
      "{recording.id}/{participant.id}-{type}/manifest.ndjson",
    );
  });

  it("adds the stream fields the folder lacks", () => {
    expect(defaultManifestKeyTemplate("{recording.id}/{participant.id}-{type}-{seq}.{ext}")).toBe(
      "{recording.id}/manifest-{participant.id}-{type}.ndjson",
    );
    expect(defaultManifestKeyTemplate("{seq}.{ext}")).toBe("manifest-{recording.id}-{participant.id}-{type}.ndjson");
  });

  it("ignores slashes inside placeholders and escaped braces", () => {
    expect(templateFolder("{recording.metadata.a/b}-{seq}.png")).toBe("");
    expect(templateFolder("{{x}}/{seq}.png")).toBe("{{x}}");
  });
});
