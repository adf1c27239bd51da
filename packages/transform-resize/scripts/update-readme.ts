/**
 * Regenerates the options table of README.md from the schema's descriptions:
 *
 *   npx tsx packages/transform-resize/scripts/update-readme.ts
 *
 * test/readme.test.ts fails while the committed table is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { withFreshTable } from "../test/support/options-table.js";

const readmeUrl = new URL("../README.md", import.meta.url);
const readme = await readFile(readmeUrl, "utf8");
const updated = withFreshTable(readme);
if (updated === readme) {
  process.stdout.write("README.md options table is up to date\n");
} else {
  await writeFile(readmeUrl, updated);
  process.stdout.write("README.md options table updated\n");
}
