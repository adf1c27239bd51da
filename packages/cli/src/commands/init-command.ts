import { writeFile } from "node:fs/promises";
import { dirname, extname, join, relative, resolve } from "node:path";
import { buildConfigJsonSchema } from "@framepipe/core";
import type { CliOutput } from "../cli-output.js";
import { framepipeCommand } from "../invocation.js";
import { officialPlugins } from "../official-plugins.js";
import { formatJson } from "../scaffold/format-json.js";
import { starterPipeline } from "../scaffold/starter-pipeline.js";
import { writeNewFiles } from "../scaffold/write-new-files.js";

/** Options of `framepipe init`. */
export interface InitCommandOptions {
  /** Replace an existing pipeline file. */
  readonly force?: boolean;
  /** Write `framepipe.schema.json` beside the file (default true; `--no-schema` turns it off). */
  readonly schema?: boolean;
}

/** The schema file `framepipe init` writes beside the pipeline. */
export const schemaFileName = "framepipe.schema.json";

function shown(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath === "" || relativePath.startsWith("..") ? path : relativePath;
}

/**
 * `framepipe init [file] [--force] [--no-schema]`: writes a commented starter pipeline (websocket →
 * resize → fs) that passes `framepipe validate` once FRAMEPIPE_TOKEN is set, and the JSON Schema
 * beside it for editor completion. Refuses to replace an existing pipeline file without `--force`;
 * the schema file, being generated, is always brought up to date.
 */
export async function initCommand(
  configFile: string | undefined,
  options: InitCommandOptions,
  output: CliOutput,
): Promise<number> {
  const file = resolve(configFile ?? "pipeline.yaml");
  const extension = extname(file).toLowerCase();
  if (extension !== ".yaml" && extension !== ".yml") {
    output.error(`framepipe init: writes YAML; name the file *.yaml or *.yml (got ${shown(file)})`);
    return 1;
  }
  const withSchema = options.schema !== false;
  const text = starterPipeline({
    fileName: shown(file),
    schemaReference: withSchema ? `./${schemaFileName}` : null,
  });
  const result = await writeNewFiles([{ path: file, content: text }], { overwrite: options.force === true });
  if (!result.ok) {
    output.error(`framepipe init: ${shown(file)} already exists; use --force to replace it`);
    return 1;
  }
  output.out(`wrote ${shown(file)}`);
  if (withSchema) {
    const schemaFile = join(dirname(file), schemaFileName);
    await writeFile(schemaFile, formatJson(buildConfigJsonSchema(officialPlugins())));
    output.out(`wrote ${shown(schemaFile)} (editor completion through the yaml-language-server comment)`);
  }
  output.out("");
  const framepipe = framepipeCommand();
  output.out(
    [
      "Next:",
      "  export FRAMEPIPE_TOKEN=$(openssl rand -hex 16)",
      `  ${framepipe} validate ${shown(file)}`,
      `  ${framepipe} run ${shown(file)}`,
      `  ${framepipe} simulate ws://127.0.0.1:8080/recall/ --token "$FRAMEPIPE_TOKEN"   # in another terminal`,
      `Then point a Recall bot at wss://<your host>/recall/?token=… (see docs/getting-started.md).`,
    ].join("\n"),
  );
  return 0;
}
