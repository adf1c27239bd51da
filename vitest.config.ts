import { readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

// One vitest project per workspace package, named after its folder, so
// `pnpm test -- --project core` runs a single package.
const packageFolders = readdirSync(new URL("./packages", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default defineConfig({
  test: {
    projects: packageFolders.map((name) => ({
      test: {
        name,
        root: `packages/${name}`,
        include: ["test/**/*.test.ts"],
        testTimeout: 30_000,
        hookTimeout: 60_000,
      },
    })),
  },
});
