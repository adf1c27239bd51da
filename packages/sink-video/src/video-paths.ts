import { compilePathTemplate, type PathTemplate, type VideoFrame } from "@framepipe/core/plugin";
import { usesSegmentField, withSegmentNumber } from "./video-sink-options.js";

const cacheLimit = 64;

/**
 * Renders a video path or key template: the core template (safe segments, fallbacks) with `{ext}`
 * the container's extension and `{segment}` the file's number. Without `{segment}` in the
 * template, segments after the first get their number before the extension (`100-webcam.001.mp4`).
 */
export class VideoPaths {
  readonly #source: string;
  readonly #numbered: boolean;
  readonly #templates = new Map<number, PathTemplate>();

  /** @throws FramepipeError `CONFIG_INVALID` for a template the core rejects. */
  constructor(template: string, extension: string) {
    // `{ext}` is the container's, not the frame's: substitute it before the core sees the template.
    this.#source = template.replace(/(?<!\{)\{ext\}(?!\})/g, extension);
    this.#numbered = usesSegmentField(template);
    this.#compile(0);
  }

  /** The relative path of segment `segment` of the stream of `frame`. */
  render(frame: VideoFrame, segment: number): string {
    if (!this.#numbered) {
      const path = this.#compile(0).render(frame);
      return segment === 0 ? path : insertBeforeExtension(path, `.${String(segment).padStart(3, "0")}`);
    }
    return this.#compile(segment).render(frame);
  }

  #compile(segment: number): PathTemplate {
    const key = this.#numbered ? segment : 0;
    let template = this.#templates.get(key);
    if (!template) {
      template = compilePathTemplate(withSegmentNumber(this.#source, key));
      if (this.#templates.size >= cacheLimit) this.#templates.clear();
      this.#templates.set(key, template);
    }
    return template;
  }
}

/** `a/b.mp4` + `.001` → `a/b.001.mp4`; a name without extension gets the suffix at its end. */
function insertBeforeExtension(path: string, suffix: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return dot > slash + 1 ? `${path.slice(0, dot)}${suffix}${path.slice(dot)}` : `${path}${suffix}`;
}
