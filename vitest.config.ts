import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// One vitest project per workspace package, named after its folder, so
// `npm test -- --project core` (or `pnpm exec vitest run --project core`) runs a single package.
// Examples with a test folder get a project named `example-<folder>` (`--project example-demo`).
// `outside` (tests/outside) installs the packed packages in a project outside the workspace.
// Roots are absolute, so `--project` also works from a package's or an example's own folder.
const folders = (parent: string) =>
  existsSync(new URL(`./${parent}`, import.meta.url))
    ? readdirSync(new URL(`./${parent}`, import.meta.url), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : [];
const projectFolders = [
  ...folders("packages").map((name) => ({ name, root: `packages/${name}` })),
  ...folders("examples")
    .filter((name) => existsSync(new URL(`./examples/${name}/test`, import.meta.url)))
    .map((name) => ({ name: `example-${name}`, root: `examples/${name}` })),
  { name: "outside", root: "tests/outside" },
];

export default defineConfig({
  test: {
    projects: projectFolders.map(({ name, root }) => ({
      test: {
        name,
        root: fileURLToPath(new URL(`./${root}`, import.meta.url)),
        include: ["test/**/*.test.ts"],
        // A package that needs a real server (sink-s3: Ceph radosgw) starts it in its own setup file.
        globalSetup: existsSync(new URL(`./${root}/vitest.setup.ts`, import.meta.url)) ? ["./vitest.setup.ts"] : [],
        testTimeout: 30_000,
        hookTimeout: 60_000,
      },
    })),
  },
});
