// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config text with ${VAR} references.
import { describe, expect, it } from "vitest";
import { interpolateEnv } from "../../src/config/env-interpolation.js";

const env = { HOST: "example.org", EMPTY: "", PORT: "8080" };

describe("interpolateEnv", () => {
  it("expands ${VAR} and leaves text without $ untouched", () => {
    expect(interpolateEnv("https://${HOST}:${PORT}/", env)).toEqual({
      ok: true,
      value: "https://example.org:8080/",
      changed: true,
    });
    expect(interpolateEnv("plain", env)).toEqual({ ok: true, value: "plain", changed: false });
  });

  it("uses the default of ${VAR:-default} when the variable is unset or empty", () => {
    expect(interpolateEnv("${MISSING:-fallback}", env)).toMatchObject({ ok: true, value: "fallback" });
    expect(interpolateEnv("${EMPTY:-fallback}", env)).toMatchObject({ ok: true, value: "fallback" });
    expect(interpolateEnv("${HOST:-fallback}", env)).toMatchObject({ ok: true, value: "example.org" });
    expect(interpolateEnv("${MISSING:-}", env)).toMatchObject({ ok: true, value: "" });
  });

  it("keeps an empty ${VAR} (set but empty is not missing)", () => {
    expect(interpolateEnv("a${EMPTY}b", env)).toMatchObject({ ok: true, value: "ab" });
  });

  it("turns $$ into a literal $ and leaves a lone $ as written", () => {
    expect(interpolateEnv("cost: $$5, ${PORT}$$", env)).toMatchObject({ ok: true, value: "cost: $5, 8080$" });
    expect(interpolateEnv("$HOME and $", env)).toMatchObject({ ok: true, value: "$HOME and $" });
    expect(interpolateEnv("$${HOST}", env)).toMatchObject({ ok: true, value: "${HOST}" });
  });

  it("names every missing variable, never a value", () => {
    expect(interpolateEnv("${A}/${B:-x}/${C}", env)).toEqual({
      ok: false,
      messages: [
        "environment variable A is not set (use `${A:-default}` for a default)",
        "environment variable C is not set (use `${C:-default}` for a default)",
      ],
    });
  });

  it("reports ${VAR:?message} with the author's message, for unset and empty variables", () => {
    expect(interpolateEnv("${TOKEN:?set the bot token}", env)).toEqual({
      ok: false,
      messages: ["environment variable TOKEN is not set: set the bot token"],
    });
    expect(interpolateEnv("${EMPTY:?}", env)).toEqual({
      ok: false,
      messages: ["environment variable EMPTY is not set: it is required"],
    });
    expect(interpolateEnv("${PORT:?never shown}", env)).toMatchObject({ ok: true, value: "8080" });
  });

  it("rejects invalid names and an unterminated ${", () => {
    expect(interpolateEnv("${1ABC}", env)).toEqual({
      ok: false,
      messages: ["invalid variable name in `${1ABC}`: use letters, digits and _"],
    });
    const unterminated = interpolateEnv("secret-${TOKEN", env);
    expect(unterminated.ok).toBe(false);
    expect(!unterminated.ok && unterminated.messages[0]).toMatch(/^unterminated `\$\{`/);
    expect(!unterminated.ok && unterminated.messages[0]).not.toContain("secret-");
  });
});
