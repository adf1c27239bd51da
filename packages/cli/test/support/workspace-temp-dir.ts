import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** packages/cli/.tmp: inside the workspace (so `@framepipe/*`, zod and vitest resolve) and git-ignored. */
const parent = fileURLToPath(new URL("../../.tmp/", import.meta.url));

/**
 * A fresh folder under packages/cli/.tmp for files that must import workspace packages the way a
 * user's project would import installed ones. Remove it with the returned `remove`.
 */
export async function workspaceTempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  await mkdir(parent, { recursive: true });
  const path = await mkdtemp(`${parent}${prefix}-`);
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
