// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Markdown with ${VAR} references in configs.
import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaceTempDir } from "../support/workspace-temp-dir.js";
import { checkDocuments, type DocumentCheckReport } from "./support/check-documents.js";
import { documentationEnv } from "./support/documentation-env.js";
import { markdownBlocks } from "./support/markdown-blocks.js";
import { expandWord, shellCommands } from "./support/shell-words.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const fence = "```";

/** A page with one mistake of each kind, and blocks that are fine, line numbers in comments. */
const brokenPage = [
  "# A page", // 1
  "", // 2
  `${fence}sh`, // 3
  "npm run demo                       # fine", // 4
  "npm run no-such-script", // 5
  "npx framepipe validate examples/yaml-pipeline/pipeline.yaml --strict", // 6
  "npx framepipe simulate ws://127.0.0.1:8080/recall/ --participant 3", // 7
  "npx framepipe validate examples/no-such-pipeline.yaml", // 8
  "curl http://127.0.0.1:9464/metrics", // 9
  "npm test -- --project no-such-project", // 10
  "npm run framepipe validate examples/yaml-pipeline/pipeline.yaml", // 11
  fence, // 12
  "", // 13
  `${fence}yaml`, // 14
  "version: 1", // 15
  "sources:", // 16
  '  recall: { type: websocket, token: "${FRAMEPIPE_TOKEN}" }', // 17
  "sinks:", // 18
  "  disk: { type: fs, inputs: [recall], dir: ./frames, overwrit: true }", // 19
  fence, // 20
  "", // 21
  `${fence}yaml fragment`, // 22
  "runtime:", // 23
  "  overflow: drop-oldest", // 24
  "  queue: -1", // 25
  fence, // 26
  "", // 27
  `${fence}ts`, // 28
  'import { createPipeline } from "@framepipe/core";', // 29
  "", // 30
  "const pipeline = await createPipeline({ version: 2 });", // 31
  "pipeline.begin();", // 32
  fence, // 33
  "", // 34
  `${fence}ts fragment`, // 35
  "logger.info(42);", // 36
  fence, // 37
  "", // 38
  `${fence}nginx`, // 39
  "location /recall/ { proxy_pass http://127.0.0.1:8080; }", // 40
  fence, // 41
  "", // 42
  `${fence}sh illustative`, // 43
  "docker run framepipe", // 44
  fence, // 45
  "", // 46
  `${fence}sh usage`, // 47
  "framepipe schema [--out file]", // 48
  "framepipe launch <config>", // 49
  fence, // 50
  "", // 51
  `${fence}json`, // 52
  '{ "a": 1, }', // 53
  fence, // 54
].join("\n");

/** The same kinds of blocks, each fine: commands run in order, a later block uses what an earlier one wrote. */
const passingPage = [
  `${fence}sh`, // 1
  "npx framepipe init pipeline.yaml", // 2
  "FRAMEPIPE_TOKEN=a-long-enough-token npx framepipe validate pipeline.yaml", // 3
  "npm test -- --project core", // 4
  "npm run framepipe -- simulate ws://127.0.0.1:8080/recall/ --participants 3 --bots 2", // 5
  "npx framepipe new plugin transform page-filter", // 6
  "npx vitest run page-filter.test.ts", // 7
  fence, // 8
  "", // 9
  `${fence}yaml file=two.yaml`, // 10
  "version: 1", // 11
  "sources:", // 12
  '  recall: { type: websocket, token: "${FRAMEPIPE_TOKEN}" }', // 13
  "sinks:", // 14
  "  disk: { type: fs, inputs: [recall], dir: ./frames }", // 15
  fence, // 16
  "", // 17
  `${fence}sh`, // 18
  "npx framepipe validate two.yaml", // 19
  fence, // 20
  "", // 21
  `${fence}yaml fragment=sinks.disk`, // 22
  'path: "{participant.id}/{seq}.{ext}"', // 23
  fence, // 24
  "", // 25
  `${fence}ts file=counter.ts`, // 26
  "export const count = 3;", // 27
  fence, // 28
  "", // 29
  `${fence}ts fragment`, // 30
  'import { count } from "./counter.js";', // 31
  "", // 32
  "const pipeline = await createPipeline(config, { plugins: [websocketSource], logger });", // 33
  "console.log(count, pipeline.state);", // 34
  fence, // 35
  "", // 36
  `${fence}ts fragment=defineSink`, // 37
  "create(options) {", // 38
  "  return { write: async (frame) => void (await fetch(options.url, { body: frame.image.data })) };", // 39
  "},", // 40
  fence, // 41
  "", // 42
  `${fence}sh illustrative`, // 43
  "curl -s http://127.0.0.1:9464/metrics | grep framepipe_frames", // 44
  fence, // 45
  "", // 46
  fence, // 47
  "framepipe stopped (SIGTERM) after 3.0 s", // 48
  fence, // 49
].join("\n");

describe("checkDocuments", () => {
  const scratch = workspaceTempDir("block-checker");
  let broken: DocumentCheckReport;
  let passing: DocumentCheckReport;

  const removals: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const folder = (await scratch).path;
    const check = async (name: string, text: string) => {
      await writeFile(join(folder, `${name}.md`), text);
      const pageScratch = await workspaceTempDir(`block-checker-${name}`);
      removals.push(pageScratch.remove);
      return checkDocuments({
        repoRoot,
        documents: [relative(repoRoot, join(folder, `${name}.md`))],
        scratch: pageScratch.path,
        env: documentationEnv,
      });
    };
    broken = await check("broken", brokenPage);
    passing = await check("passing", passingPage);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(removals.map((remove) => remove()));
    await (await scratch).remove();
  });

  it("reports every broken block at once, as file:line: reason", () => {
    const page = relative(repoRoot, fileURLToPath(new URL("../../.tmp/", import.meta.url)));
    expect(broken.problems.every((problem) => problem.startsWith(page))).toBe(true);
    const lines = broken.problems.map((problem) => problem.replace(/^.*broken\.md:/, ""));
    expect(lines).toEqual([
      expect.stringMatching(/^5: `npm run no-such-script`: package\.json has no script "no-such-script"/),
      expect.stringMatching(/^6: .*error: unknown option '--strict'/),
      expect.stringMatching(/^7: .*error: unknown option '--participant'.*Did you mean --participants\?/),
      expect.stringMatching(/^8: .*no file examples\/no-such-pipeline\.yaml/),
      expect.stringMatching(/^9: `curl .*`: `curl` is not a command this test can check; mark the block illustrative/),
      expect.stringMatching(/^10: .*vitest\.config\.ts has no project "no-such-project"/),
      expect.stringMatching(/^11: .*npm takes a script's arguments after `--`/),
      expect.stringMatching(/^19: yaml pipeline: sinks\.disk\.overwrit: unknown option .*did you mean .*overwrite/),
      expect.stringMatching(/^25: yaml pipeline: runtime\.queue: /),
      expect.stringMatching(/^31: ts: error TS2322: Type '2' is not assignable to type '1'/),
      expect.stringMatching(/^32: ts: error TS2339: Property 'begin' does not exist/),
      expect.stringMatching(/^36: ts: error TS2769: No overload matches this call/),
      "39: ```nginx blocks cannot be checked: mark the block ```nginx illustrative",
      expect.stringMatching(/^43: unknown word "illustative" in the info string/),
      expect.stringMatching(/^44: `docker run framepipe`: `docker` is not a command/),
      "48: usage: framepipe schema has no option --out",
      "49: usage: `framepipe launch` is not a command",
      expect.stringMatching(/^52: json: /),
    ]);
  });

  it("passes correct blocks: commands run in order, files written by earlier blocks and commands are used", () => {
    expect(passing.problems).toEqual([]);
    expect(passing.tally).toEqual({
      sh: { exercised: 2, illustrative: 1, output: 0 },
      yaml: { exercised: 2, illustrative: 0, output: 0 },
      ts: { exercised: 3, illustrative: 0, output: 0 },
      "(none)": { exercised: 0, illustrative: 0, output: 1 },
    });
  });
});

describe("markdownBlocks", () => {
  it("reads fences of any length, indented in list items, with the info string split into language and words", () => {
    const text = [
      "- item:",
      "",
      "  ````TS fragment file=a.ts",
      "  const a = 1;",
      "  ```",
      "  still inside",
      "  ````",
      "~~~",
      "tilde",
      "~~~",
    ].join("\n");
    expect(markdownBlocks(text)).toEqual([
      { line: 3, language: "ts", meta: ["fragment", "file=a.ts"], lines: ["const a = 1;", "```", "still inside"] },
      { line: 8, language: "", meta: [], lines: ["tilde"] },
    ]);
  });
});

describe("shellCommands", () => {
  it("splits commands, joins continued lines, drops comments and redirections, keeps quoting", () => {
    const commands = shellCommands([
      "export TOKEN=$(openssl rand -hex 16) && npm test   # a comment",
      'npx framepipe simulate ws://x/ --token "$TOKEN" \\',
      "  --participants 4 > out.log 2>&1; echo 'a b' | cat",
    ]);
    const env = new Map([["TOKEN", "t0ken"]]);
    expect(commands.map((command) => [command.lineIndex, command.words.map((word) => expandWord(word, env))])).toEqual([
      [0, ["export", "TOKEN=$(openssl rand -hex 16)"]],
      [0, ["npm", "test"]],
      [1, ["npx", "framepipe", "simulate", "ws://x/", "--token", "t0ken", "--participants", "4"]],
      [1, ["echo", "a b"]],
      [1, ["cat"]],
    ]);
  });
});
