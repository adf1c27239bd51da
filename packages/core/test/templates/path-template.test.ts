import { describe, expect, it } from "vitest";
import { FramepipeError } from "../../src/errors/framepipe-error.js";
import { compilePathTemplate } from "../../src/templates/path-template.js";
import { templateFrame } from "./support/template-frame.js";

const render = (template: string, frame = templateFrame()): string => compilePathTemplate(template).render(frame);

function compileError(template: string): FramepipeError {
  try {
    compilePathTemplate(template);
  } catch (error) {
    if (FramepipeError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected "${template}" to be rejected`);
}

describe("compilePathTemplate: fields", () => {
  it.each([
    ["{recording.id}", "rec-1"],
    ["{bot.id}", "bot-1"],
    ["{participant.id}", "7"],
    ["{participant.name}", "Ada Lovelace"],
    ["{type}", "webcam"],
    ["{seq}", "000042"],
    ["{timestamp.relative}", "12346"],
    ["{timestamp.absolute}", "20261124T101500.123Z"],
    ["{date}", "2026-11-24"],
    ["{ext}", "png"],
  ])("renders %s", (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it("renders the default sink layout", () => {
    expect(render("{recording.id}/{participant.id}-{type}/{seq}.{ext}")).toBe("rec-1/7-webcam/000042.png");
  });

  it("pads seq to 6 digits and lets larger numbers grow", () => {
    expect(render("{seq}", templateFrame({ seq: 0 }))).toBe("000000");
    expect(render("{seq}", templateFrame({ seq: 999_999 }))).toBe("999999");
    expect(render("{seq}", templateFrame({ seq: 1_234_567 }))).toBe("1234567");
  });

  it("renders relative timestamps as integer milliseconds", () => {
    expect(render("{timestamp.relative}", templateFrame({ relative: 0 }))).toBe("0");
    expect(render("{timestamp.relative}", templateFrame({ relative: 1.0004 }))).toBe("1000");
    expect(render("{timestamp.relative}", templateFrame({ relative: 3600.5 }))).toBe("3600500");
  });

  it("renders the date and absolute time in UTC", () => {
    const frame = templateFrame({ absolute: new Date("2026-01-01T23:59:59.999-05:00") });
    expect(render("{date}/{timestamp.absolute}", frame)).toBe("2026-01-02/20260102T045959.999Z");
  });

  it("renders an invalid date as the fallback", () => {
    const frame = templateFrame({ absolute: new Date(Number.NaN) });
    expect(render("{date}/{timestamp.absolute|no-time}", frame)).toBe("unknown/no-time");
  });

  it.each([
    ["png", "png"],
    ["jpeg", "jpg"],
    ["JPEG", "jpg"],
    ["webp", "webp"],
    ["avif", "avif"],
    ["tiff", "tiff"],
    ["x/../y", "x_.._y~fec01a9e"],
    ["", "unknown"],
  ])("maps format %j to the extension %j", (format, extension) => {
    expect(render("{ext}", templateFrame({ format }))).toBe(extension);
  });

  it("reads recording and bot metadata keys", () => {
    const frame = templateFrame({
      recording: { metadata: { team: "sales", "customer id": "C-9" } },
      bot: { metadata: { region: "eu" } },
    });
    expect(render("{recording.metadata.team}/{recording.metadata.customer id}/{bot.metadata.region}", frame)).toBe(
      "sales/C-9/eu",
    );
  });

  it("never reads inherited properties as metadata", () => {
    expect(render("{recording.metadata.constructor}/{bot.metadata.__proto__}/{recording.metadata.toString}")).toBe(
      "unknown/unknown/unknown",
    );
  });

  it("lists the fields it uses, once each, in order", () => {
    const template = compilePathTemplate("{type}/{recording.metadata.a}/{type}-{seq}.{ext}");
    expect(template.fields).toEqual(["type", "recording.metadata.a", "seq", "ext"]);
    expect(template.source).toBe("{type}/{recording.metadata.a}/{type}-{seq}.{ext}");
  });

  it("turns {{ and }} into literal braces", () => {
    expect(render("{{x}}/{seq}}}.{ext}")).toBe("{x}/000042}.png");
  });

  it("accepts spaces around the field name and fallback", () => {
    expect(render("{ participant.name | guest }", templateFrame({ participant: { name: null } }))).toBe("guest");
  });
});

describe("compilePathTemplate: fallbacks", () => {
  it("renders a null or empty participant name as unknown or the fallback", () => {
    expect(render("{participant.name}", templateFrame({ participant: { name: null } }))).toBe("unknown");
    expect(render("{participant.name|guest}", templateFrame({ participant: { name: "" } }))).toBe("guest");
    expect(render("{participant.name|guest}", templateFrame({ participant: { name: "  " } }))).toBe("guest");
  });

  it("renders a missing bot as unknown or the fallback", () => {
    const frame = templateFrame({ bot: null });
    expect(render("{bot.id}/{bot.metadata.x}", frame)).toBe("unknown/unknown");
    expect(render("{bot.id|no-bot}", frame)).toBe("no-bot");
  });

  it("renders a missing metadata key as the fallback", () => {
    expect(render("{recording.metadata.team|all}/{recording.metadata.team}")).toBe("all/unknown");
  });

  it("renders a malformed frame as fallbacks instead of throwing", () => {
    const broken = { ...templateFrame(), timestamp: undefined, image: undefined } as never;
    expect(render("{date}/{ext|bin}/{participant.id}", broken)).toBe("unknown/bin/7");
  });
});

describe("compilePathTemplate: hostile values stay single segments", () => {
  const hostile = [
    "../../etc",
    "a/b",
    "\\\\server\\share",
    "CON",
    "con.txt",
    "x".repeat(300),
    "😀",
    "",
    "\0",
    "\u0001\u001F",
    ".",
    "..",
    " ",
  ];

  it.each(hostile)("keeps %j in its segment", (name) => {
    const frame = templateFrame({ participant: { name }, recording: { id: name, metadata: { m: name } } });
    const path = render("{recording.id}/{participant.name}/{recording.metadata.m}-{seq}.{ext}", frame);
    const segments = path.split("/");
    expect(segments).toHaveLength(3);
    for (const segment of segments) {
      expect(segment).not.toMatch(/^\.{1,2}$/);
      expect(segment).not.toBe("");
      expect(segment).not.toMatch(/[\\\p{Cc}]/u);
    }
  });
});

describe("compilePathTemplate: errors", () => {
  it("is a CONFIG_INVALID FramepipeError listing every problem", () => {
    const error = compileError("{recording.id}/{participant.nmae}/{sequence}.{ext}");
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain("unknown field {participant.nmae}");
    expect(error.message).toContain("did you mean `participant.name`");
    expect(error.message).toContain("unknown field {sequence}");
  });

  it.each([
    ["a/{seq", 'unclosed "{" at column 3'],
    ["a}/{seq}", 'unmatched "}" at column 2'],
    ["{a{seq}}", 'not closed before the next "{"'],
    ["{}/{seq}", "empty placeholder"],
    ["{seq|}", "empty fallback"],
    ["{participant.name|a/b}", 'fallback "a/b"'],
    ["{participant.name|..}", 'fallback ".."'],
    ["{recording.metadata.}", "unknown field {recording.metadata.}"],
    ["/abs/{seq}", "must be relative"],
    ["C:/{seq}", "drive letter"],
    ["a/../{seq}", '".." is not allowed'],
    ["./{seq}", '"." is not allowed'],
    ["a//{seq}", "empty folder name"],
    ["{seq}/", "must end in a file name"],
    ["a\\{seq}", 'not "\\"'],
    ["a\u0000{seq}", "control characters"],
    ["", "empty"],
  ])("rejects %j", (template, problem) => {
    expect(compileError(template).message).toContain(problem);
  });

  it("does not report structure problems caused by an unknown field", () => {
    const error = compileError("a/{nope}/{seq}");
    expect(error.message).not.toContain("empty folder name");
  });

  it("allows dots next to placeholders, since values never start or end with a dot", () => {
    // A value made of dots becomes `_` plus a hash of the dots: never a dot next to the literal ones.
    expect(render("..{participant.name}/{seq}.{ext}", templateFrame({ participant: { name: "." } }))).toMatch(
      /^\.\._~[0-9a-f]{8}\/000042\.png$/,
    );
  });
});
