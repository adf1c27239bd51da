import { describe, expect, it } from "vitest";
import { defaultManifestTemplate, templateFolder } from "../../src/templates/index.js";

describe("templateFolder", () => {
  it.each([
    ["{recording.id}/{participant.id}-{type}/{seq}.{ext}", "{recording.id}/{participant.id}-{type}"],
    ["{seq}.{ext}", ""],
    ["a/b/{seq}.{ext}", "a/b"],
    ["{recording.metadata.a/b}-{seq}.{ext}", ""],
    ["x/{recording.metadata.a/b}/{seq}.{ext}", "x/{recording.metadata.a/b}"],
    ["{{a/b}}/{seq}.{ext}", "{{a/b}}"],
  ])("%s → %s", (template, folder) => {
    expect(templateFolder(template)).toBe(folder);
  });
});

describe("defaultManifestTemplate", () => {
  it.each([
    ["{recording.id}/{participant.id}-{type}/{seq}.{ext}", "{recording.id}/{participant.id}-{type}/manifest.ndjson"],
    ["{recording.id}/{participant.id}/{type}/{seq}.{ext}", "{recording.id}/{participant.id}/{type}/manifest.ndjson"],
    ["{recording.id}/{participant.id}-{type}-{seq}.{ext}", "{recording.id}/manifest-{participant.id}-{type}.ndjson"],
    ["{seq}.{ext}", "manifest-{recording.id}-{participant.id}-{type}.ndjson"],
    ["{date}/{seq}.{ext}", "{date}/manifest-{recording.id}-{participant.id}-{type}.ndjson"],
    [
      "frames/{recording.id}/{participant.id}/{type}/{seq}.{ext}",
      "frames/{recording.id}/{participant.id}/{type}/manifest.ndjson",
    ],
  ])("%s → %s", (template, manifest) => {
    expect(defaultManifestTemplate(template)).toBe(manifest);
  });
});
