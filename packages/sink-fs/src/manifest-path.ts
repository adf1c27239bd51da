import { compilePathTemplate } from "@framepipe/core/plugin";
import { STREAM_FIELDS } from "./fs-sink-options.js";

/**
 * The folder part of a path template (before its last `/` outside braces), or `""` when files go
 * straight into the root. Braces matter: a metadata key may contain `/` (`{recording.metadata.a/b}`).
 */
export function templateDirectory(template: string): string {
  let depth = 0;
  let lastSlash = -1;
  for (let index = 0; index < template.length; index += 1) {
    const character = template[index];
    if ((character === "{" || character === "}") && template[index + 1] === character && depth === 0) {
      index += 1;
    } else if (character === "{") {
      depth += 1;
    } else if (character === "}") {
      depth = Math.max(0, depth - 1);
    } else if (character === "/" && depth === 0) {
      lastSlash = index;
    }
  }
  return lastSlash === -1 ? "" : template.slice(0, lastSlash);
}

/**
 * The manifest template used when `manifestPath` is not set: `manifest.ndjson` in the folder of
 * the path template when that folder is already unique per stream (the default layout), else
 * a file name that adds the missing stream fields (`manifest-{participant.id}-{type}.ndjson`).
 */
export function defaultManifestTemplate(pathTemplate: string): string {
  const directory = templateDirectory(pathTemplate);
  const present = directory === "" ? [] : compilePathTemplate(`${directory}/x`).fields;
  const missing = STREAM_FIELDS.filter((field) => !present.includes(field));
  const name = missing.length === 0 ? "manifest.ndjson" : `manifest-${missing.map((f) => `{${f}}`).join("-")}.ndjson`;
  return directory === "" ? name : `${directory}/${name}`;
}
