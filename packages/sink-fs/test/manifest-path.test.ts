import { describe, expect, it } from "vitest";
import { defaultManifestTemplate, templateDirectory } from "../src/manifest-path.js";

describe("templateDirectory", () => {
  it.each([
    ["{recording.id}/{participant.id}-{type}/{seq}.{ext}", "{recording.id}/{participant.id}-{type}"],
    ["{seq}.{ext}", ""],
    ["a/b/{seq}.{ext}", "a/b"],
    ["{recording.metadata.a/b}-{seq}.{ext}", ""],
    ["x/{recording.metadata.a/b}/{seq}.{ext}", "x/{recording.metadata.a/b}"],
    ["{{a/b}}/{seq}.{ext}", "{{a/b}}"],
  ])("%s → %s", (template, directory) => {
    expect(templateDirectory(template)).toBe(directory);
  });
});

describe("defaultManifestTemplate", () => {
  it.each([
    ["{recording.id}/{participant.id}-{type}/{seq}.{ext}", "{recording.id}/{participant.id}-{type}/manifest.ndjson"],
    ["{recording.id}/{participant.id}/{type}/{seq}.{ext}", "{recording.id}/{participant.id}/{type}/manifest.ndjson"],
    ["{recording.id}/{participant.id}-{type}-{seq}.{ext}", "{recording.id}/manifest-{participant.id}-{type}.ndjson"],
    ["{seq}.{ext}", "manifest-{recording.id}-{participant.id}-{type}.ndjson"],
    ["{date}/{seq}.{ext}", "{date}/manifest-{recording.id}-{participant.id}-{type}.ndjson"],
  ])("%s → %s", (template, manifest) => {
    expect(defaultManifestTemplate(template)).toBe(manifest);
  });
});
