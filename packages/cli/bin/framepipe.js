#!/usr/bin/env -S node --initial-old-space-size=128
// --initial-old-space-size=128: with V8's default the old generation's allocation limit stays a
// few MB above its small live size, and a receiver that turns over ~100 MB/s of frame buffers
// then marks the heap continuously (about 12 full collections a second, most of them on V8's
// helper threads): measured at 96 participants storing frames, 3.7–4.5 ms of CPU per frame
// against 1.5–1.8 ms with this flag, at about the same peak RSS (docs/operations.md). It only
// raises the limit at which the first collections start; memory in use is the same. The flag
// must be given at start-up (Node refuses it in NODE_OPTIONS and v8.setFlagsFromString is too
// late), hence here.
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
