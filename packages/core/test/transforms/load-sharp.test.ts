import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { loadSharp } from "../../src/transforms/load-sharp.js";

const testingPackage = fileURLToPath(new URL("../../../testing", import.meta.url));
const base = {
  component: "transform:dedupe#changes",
  feature: "perceptual dedupe",
  alternative: "or set tolerance: 0",
};

function notFound(): Error {
  return Object.assign(new Error("Cannot find package 'sharp'"), { code: "ERR_MODULE_NOT_FOUND" });
}

describe("loadSharp", () => {
  it("tells the user to install sharp when it cannot be found anywhere", async () => {
    const attempt = loadSharp({ ...base, searchPaths: [], importModule: () => Promise.reject(notFound()) });
    const error = await attempt.catch((caught: unknown) => caught);
    expect(FramepipeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "PLUGIN_LOAD_FAILED", component: "transform:dedupe#changes", stage: "create" });
    expect((error as Error).message).toBe(
      '[framepipe] [transform:dedupe#changes] perceptual dedupe needs the "sharp" package, which is not installed: ' +
        "run `npm install sharp` in your app, or set tolerance: 0",
    );
  });

  it("falls back to the search paths when core cannot resolve sharp itself", async () => {
    const imported: string[] = [];
    const sharp = await loadSharp({
      ...base,
      searchPaths: ["/nonexistent-folder", testingPackage],
      importModule: (specifier) => {
        imported.push(specifier);
        return specifier === "sharp" ? Promise.reject(notFound()) : import(specifier);
      },
    });
    expect(typeof sharp).toBe("function");
    expect(imported[0]).toBe("sharp");
    expect(imported[1]).toMatch(/^file:.*sharp/);
  });

  it("reports a sharp that is installed but fails to load", async () => {
    const attempt = loadSharp({ ...base, importModule: () => Promise.reject(new Error("libvips missing")) });
    await expect(attempt).rejects.toThrow('perceptual dedupe could not load "sharp": libvips missing');
  });

  it("rejects a module that is not sharp", async () => {
    const attempt = loadSharp({ ...base, importModule: () => Promise.resolve({ default: 42 }) });
    await expect(attempt).rejects.toThrow("does not export a function");
  });
});
