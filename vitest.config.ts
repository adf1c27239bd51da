import { existsSync, readdirSync } from "node:fs";
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
        // A package that needs a real server (sink-s3: Ceph radosgw) starts it in its own setup file.
        globalSetup: existsSync(new URL(`./packages/${name}/vitest.setup.ts`, import.meta.url))
          ? ["./vitest.setup.ts"]
          : [],
        testTimeout: 30_000,
        hookTimeout: 60_000,
      },
    })),
  },
});
