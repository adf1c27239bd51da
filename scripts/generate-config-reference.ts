/**
 * Regenerates docs/config-reference.md from the zod schemas of the official plugins (the ones the
 * `framepipe` command bundles) and of the `runtime`, `api` and `log` sections. From the repository root:
 *
 *   pnpm tsx scripts/generate-config-reference.ts           # rewrite the file
 *   pnpm tsx scripts/generate-config-reference.ts --check   # exit 1 when it is stale (CI)
 *
 * packages/cli/test/config-reference.test.ts fails while the committed file is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { officialPlugins } from "../packages/cli/src/official-plugins.js";
import { normalisedLines, renderConfigReference } from "../packages/cli/test/support/config-reference.js";

const target = new URL("../docs/config-reference.md", import.meta.url);
const fresh = renderConfigReference(officialPlugins());
const current = await readFile(target, "utf8").catch(() => "");
const upToDate = JSON.stringify(normalisedLines(current)) === JSON.stringify(normalisedLines(fresh));

if (process.argv.includes("--check")) {
  process.stdout.write(
    upToDate
      ? "docs/config-reference.md is up to date\n"
      : "docs/config-reference.md is stale: run pnpm tsx scripts/generate-config-reference.ts\n",
  );
  process.exitCode = upToDate ? 0 : 1;
} else if (upToDate) {
  process.stdout.write("docs/config-reference.md is up to date\n");
} else {
  await writeFile(target, fresh);
  process.stdout.write("docs/config-reference.md regenerated\n");
}
