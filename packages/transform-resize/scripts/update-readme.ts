/**
 * Regenerates the options tables of README.md (one per plugin) from the schemas' descriptions:
 *
 *   npx tsx packages/transform-resize/scripts/update-readme.ts
 *
 * test/readme.test.ts fails while a committed table is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { withFreshTables } from "../test/support/options-table.js";

const readmeUrl = new URL("../README.md", import.meta.url);
const readme = await readFile(readmeUrl, "utf8");
const updated = withFreshTables(readme);
if (updated === readme) {
  process.stdout.write("README.md options tables are up to date\n");
} else {
  await writeFile(readmeUrl, updated);
  process.stdout.write("README.md options tables updated\n");
}
