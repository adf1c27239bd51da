#!/usr/bin/env node
// In the repository the packages export TypeScript sources; tsx lets the CLI run them without a
// build step. A published install points at compiled JavaScript and skips the loader.
import { existsSync } from "node:fs";

const compiled = new URL("../dist/src/main.js", import.meta.url);
if (process.env.FRAMEPIPE_USE_DIST === "1" && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
