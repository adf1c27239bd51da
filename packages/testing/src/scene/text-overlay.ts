import type { FrameType } from "@framepipe/core";
import type { ScreenshareLayout } from "./screenshare-scene.js";

const fontFamily = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif";
const monoFamily = "DejaVu Sans Mono, Liberation Mono, Courier New, monospace";

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The participant's name and the frame counter as an SVG overlay. Text needs fonts, which may be
 * missing: librsvg then draws nothing for the text, and the caller falls back to the bare scene
 * if compositing fails altogether.
 */
export function textOverlaySvg(options: {
  width: number;
  height: number;
  type: FrameType;
  name: string;
  counter: number;
  layout?: ScreenshareLayout;
}): Buffer {
  const { width, height } = options;
  const name = escapeXml(options.name);
  const fontSize = Math.max(8, Math.round(height * (options.type === "webcam" ? 0.05 : 0.025)));
  const tagWidth = Math.min(width * 0.6, fontSize * (options.name.length * 0.62 + 1.5));
  const counterText = `#${String(options.counter).padStart(6, "0")}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
    `<rect x="${fontSize * 0.5}" y="${height - fontSize * 2.2}" width="${tagWidth}" height="${fontSize * 1.6}" rx="${fontSize * 0.3}" fill="#000" fill-opacity="0.55"/>`,
    `<text x="${fontSize * 1.1}" y="${height - fontSize * 1.0}" font-family="${fontFamily}" font-size="${fontSize}" fill="#fff">${name}</text>`,
    `<text x="${width - fontSize * 0.5}" y="${fontSize * 1.4}" text-anchor="end" font-family="${monoFamily}" font-size="${fontSize}" fill="#fff" stroke="#000" stroke-width="${Math.max(1, fontSize / 12)}" paint-order="stroke">${counterText}</text>`,
  ];
  if (options.layout) {
    const { editor } = options.layout;
    const titleSize = Math.max(8, Math.round(height * 0.022));
    parts.push(
      `<text x="${editor.x + editor.width / 2}" y="${editor.y + height * 0.028}" text-anchor="middle" font-family="${fontFamily}" font-size="${titleSize}" fill="#fff">meeting-notes.md: ${name}</text>`,
    );
  }
  parts.push("</svg>");
  return Buffer.from(parts.join(""));
}
