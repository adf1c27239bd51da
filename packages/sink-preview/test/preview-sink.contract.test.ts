import { ApiRoutes } from "@framepipe/core";
import type { apiRoutesService } from "@framepipe/core/plugin";
import { createTestContext, sinkContract } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import previewSink from "../src/index.js";

// The preview stores nothing to read back: the contract checks writes, ends, flush and close on
// an instance mounted on its own route registry (as on a loopback API listener).
sinkContract({
  it,
  describe,
  expect,
  definition: previewSink,
  create: () =>
    previewSink.create(
      previewSink.options.parse({}),
      createTestContext<{ apiRoutes: typeof apiRoutesService }>({
        kind: "sink",
        type: "preview",
        componentId: "contract",
        services: { apiRoutes: new ApiRoutes() },
      }),
    ),
});

describe("preview sink in a pipeline config", () => {
  it("fails to create, with a clear message, when the API listener is off", async () => {
    await expect(
      previewSink.create(previewSink.options.parse({}), createTestContext({ kind: "sink", type: "preview" })),
    ).rejects.toThrow(/API listener, which is off: set api\.port/);
  });
});
