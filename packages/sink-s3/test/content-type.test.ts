import { describe, expect, it } from "vitest";
import { contentTypeOf } from "../src/content-type.js";

describe("contentTypeOf", () => {
  it("maps the formats framepipe produces to their media types", () => {
    expect(contentTypeOf("png")).toBe("image/png");
    expect(contentTypeOf("jpeg")).toBe("image/jpeg");
    expect(contentTypeOf("webp")).toBe("image/webp");
    expect(contentTypeOf("avif")).toBe("image/avif");
  });

  it("ignores case and knows jpg", () => {
    expect(contentTypeOf("PNG")).toBe("image/png");
    expect(contentTypeOf("jpg")).toBe("image/jpeg");
  });

  it("falls back to application/octet-stream for unknown formats", () => {
    expect(contentTypeOf("raw-rgb")).toBe("application/octet-stream");
  });
});
