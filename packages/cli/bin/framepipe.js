#!/usr/bin/env node
// Runs compiled JavaScript when the package resolves to it, TypeScript sources through tsx
// otherwise. Resolving the package's own name answers that with the conditions Node runs with:
// a published install exports dist/ (always compiled); in the repository the packages export
// their sources, and `node --conditions=framepipe-compiled` (after `tsc -b`) selects dist/ for
// every workspace package at once, which is how the benchmarks run what users install.
const entry = import.meta.resolve("@framepipe/cli");

if (entry.endsWith(".js")) {
  await import(new URL("../dist/src/main.js", import.meta.url).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/main.ts");
}
