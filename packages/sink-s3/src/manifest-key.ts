import { compilePathTemplate } from "@framepipe/core/plugin";
import { STREAM_FIELDS } from "./s3-sink-options.js";

/**
 * The folder part of a key template (before its last `/` outside braces), or `""` when objects
 * sit at the bucket's top. Braces matter: a metadata key may contain `/` (`{recording.metadata.a/b}`).
 */
export function templateFolder(template: string): string {
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
 * The manifest key template used when `manifestKey` is not set: `manifest.ndjson` in the folder
 * of the key template when that folder is already unique per stream (the default layout), else a
 * name that adds the missing stream fields (`manifest-{participant.id}-{type}.ndjson`).
 */
export function defaultManifestKeyTemplate(keyTemplate: string): string {
  const folder = templateFolder(keyTemplate);
  const present = folder === "" ? [] : compilePathTemplate(`${folder}/x`).fields;
  const missing = STREAM_FIELDS.filter((field) => !present.includes(field));
  const name =
    missing.length === 0 ? "manifest.ndjson" : `manifest-${missing.map((field) => `{${field}}`).join("-")}.ndjson`;
  return folder === "" ? name : `${folder}/${name}`;
}
