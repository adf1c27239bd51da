/** A path into the config document: map keys and list indexes. */
export type ConfigPath = readonly (string | number)[];

/** `["transforms", "thumbs", "inputs", 0]` → `transforms.thumbs.inputs[0]`. */
export function formatConfigPath(path: ConfigPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? segment : `.${segment}`;
  }
  return text;
}
