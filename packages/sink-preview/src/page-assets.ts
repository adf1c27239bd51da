import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** One file of the page, held in memory. */
export interface PageAsset {
  readonly type: string;
  readonly body: Buffer;
}

const files = {
  "preview.html": "text/html; charset=utf-8",
  "preview.js": "text/javascript; charset=utf-8",
  "preview.css": "text/css; charset=utf-8",
} as const;

/** The page's file names. */
export type PageFile = keyof typeof files;

/**
 * The folder the page ships in: `page/` at the package root, reached from `src/` (sources) or
 * `dist/src/` (compiled).
 */
export function pageDirectory(): string {
  for (const relative of ["../page/", "../../page/"]) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${candidate}preview.html`)) return candidate;
  }
  throw new Error("[framepipe] the preview page (page/preview.html) is missing from @framepipe/sink-preview");
}

/** Reads the page's files once; they are then served from memory. */
export async function loadPageAssets(): Promise<ReadonlyMap<PageFile, PageAsset>> {
  const directory = pageDirectory();
  const assets = new Map<PageFile, PageAsset>();
  for (const [name, type] of Object.entries(files) as [PageFile, string][]) {
    assets.set(name, { type, body: await readFile(`${directory}${name}`) });
  }
  return assets;
}
