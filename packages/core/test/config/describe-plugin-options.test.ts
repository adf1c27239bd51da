import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describePluginOptions } from "../../src/config/describe-plugin-options.js";
import { secret } from "../../src/plugin/secret.js";
import { bucketSink, resizeTransform, websocketSource } from "./support/test-plugins.js";

describe("describePluginOptions", () => {
  it("lists each option with a human type, requiredness, default and description", () => {
    expect(describePluginOptions(resizeTransform)).toEqual([
      { name: "width", type: "integer > 0", required: true, description: "Target width in pixels.", secret: false },
      { name: "height", type: "integer > 0", required: false, description: "Target height in pixels.", secret: false },
      {
        name: "format",
        type: "enum png|jpeg|webp",
        required: false,
        default: "png",
        description: "Output image format.",
        secret: false,
      },
    ]);
  });

  it("flags secrets and never shows their defaults", () => {
    expect(describePluginOptions(websocketSource)).toEqual([
      {
        name: "port",
        type: "integer 1..65535",
        required: false,
        default: 8080,
        description: "Port to listen on.",
        secret: false,
      },
      {
        name: "path",
        type: "string",
        required: false,
        default: "/",
        description: "URL path Recall connects to.",
        secret: false,
      },
      { name: "token", type: "string", required: false, description: "Token Recall must send.", secret: true },
    ]);
    const options = describePluginOptions({
      options: z.strictObject({ key: secret(z.string()).default("dev-key"), tags: z.array(z.string()).nullable() }),
    });
    expect(options).toEqual([
      { name: "key", type: "string", required: false, secret: true },
      { name: "tags", type: "list of string | null", required: true, secret: false },
    ]);
  });

  it("marks a whole secret object", () => {
    const credentials = describePluginOptions(bucketSink).find((option) => option.name === "credentials");
    expect(credentials).toMatchObject({ type: "object", secret: true, required: false });
  });
});
