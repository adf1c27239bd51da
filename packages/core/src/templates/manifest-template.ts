import { compilePathTemplate } from "./path-template.js";

/** The fields that tell streams apart: a per-stream file (a manifest) must use all three. */
export const STREAM_TEMPLATE_FIELDS: readonly string[] = ["recording.id", "participant.id", "type"];

/**
 * The folder part of a path or key template (before its last `/` outside braces), or `""` when
 * there is none. Braces matter: a metadata key may contain `/` (`{recording.metadata.a/b}`), and
 * `{{`/`}}` are literal braces.
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
 * Where a sink puts a stream's manifest when the user names no place: `manifest.ndjson` in the
 * folder of the frames' template when that folder is already unique per stream (the default
 * layouts), else a name that adds the missing stream fields
 * (`manifest-{participant.id}-{type}.ndjson`), so that two streams never share a manifest.
 */
export function defaultManifestTemplate(frameTemplate: string): string {
  const folder = templateFolder(frameTemplate);
  const present = folder === "" ? [] : compilePathTemplate(`${folder}/x`).fields;
  const missing = STREAM_TEMPLATE_FIELDS.filter((field) => !present.includes(field));
  const name =
    missing.length === 0 ? "manifest.ndjson" : `manifest-${missing.map((field) => `{${field}}`).join("-")}.ndjson`;
  return folder === "" ? name : `${folder}/${name}`;
}
