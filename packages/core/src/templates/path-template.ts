import { FramepipeError } from "../errors/framepipe-error.js";
import type { VideoFrame } from "../model/video-frame.js";
import { parsePathTemplate } from "./parse-path-template.js";
import { toSafeSegment } from "./safe-segment.js";

/**
 * A compiled path or key template. Compile once (at `create`), render per frame.
 */
export interface PathTemplate {
  /** The template as written. */
  readonly source: string;
  /** Field names it uses, in order of first use (`participant.id`, `recording.metadata.team`). */
  readonly fields: readonly string[];
  /**
   * The relative path of a frame: `/`-separated segments, never absolute, never with an empty,
   * `.` or `..` segment. Every substituted value is one safe segment ({@link toSafeSegment});
   * missing values render as their fallback or `unknown`. Never throws.
   */
  render(frame: VideoFrame): string;
}

type RenderPart = string | ((frame: VideoFrame) => string);

/**
 * Compiles a path template (DESIGN §4): literal text, which may contain `/` to make folders, and
 * `{field}` / `{field|fallback}` placeholders. `{{` and `}}` are literal braces.
 *
 * @throws FramepipeError `CONFIG_INVALID` listing every problem: unbalanced braces, unknown
 *   fields (with a "did you mean"), unsafe fallbacks, an absolute path, `.`/`..`/empty segments.
 *
 * @example
 * ```ts
 * const template = compilePathTemplate("{recording.id}/{participant.name|guest}-{type}/{seq}.{ext}");
 * template.render(frame); // "rec_1/Ada Lovelace-webcam/000042.png"
 * ```
 */
export function compilePathTemplate(template: string): PathTemplate {
  if (typeof template !== "string") {
    throw new FramepipeError({ code: "CONFIG_INVALID", stage: "config", message: "a path template must be a string" });
  }
  const { parts, problems } = parsePathTemplate(template);
  if (problems.length > 0) {
    throw new FramepipeError({
      code: "CONFIG_INVALID",
      stage: "config",
      message: `invalid path template "${template}": ${problems.join("; ")}`,
    });
  }
  const renderParts: RenderPart[] = parts.map((part) => {
    if (part.kind === "literal") return part.text;
    const { read, fallback } = part;
    return (frame: VideoFrame) => {
      // A malformed frame from a buggy plugin (no timestamp, no image) renders the fallback.
      try {
        return toSafeSegment(read(frame), fallback);
      } catch {
        return toSafeSegment(undefined, fallback);
      }
    };
  });
  const fields = [...new Set(parts.flatMap((part) => (part.kind === "field" ? [part.name] : [])))];
  return Object.freeze({
    source: template,
    fields: Object.freeze(fields),
    render(frame: VideoFrame): string {
      let path = "";
      for (const part of renderParts) path += typeof part === "string" ? part : part(frame);
      return path;
    },
  });
}
