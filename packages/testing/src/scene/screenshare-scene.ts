import { createRandom, hashSeed, randomInteger } from "../seeded-random.js";
import {
  addNoise,
  createRaster,
  fillEllipse,
  fillGradient,
  fillRect,
  fillTriangle,
  hsl,
  type Raster,
  type Rgb,
} from "./raster.js";
import { participantHue } from "./webcam-scene.js";

/** Where the window title text goes, so the SVG overlay can label it. */
export interface ScreenshareLayout {
  readonly editor: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
}

interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

const syntaxColors: readonly Rgb[] = [
  [50, 50, 50],
  [50, 50, 50],
  [0, 92, 197],
  [111, 66, 193],
  [34, 134, 58],
  [215, 58, 73],
];

/** Rows of word-shaped blocks: reads as text to a human glancing at it and to a PNG encoder. */
function paintTextLines(
  raster: Raster,
  area: Area,
  options: { seedParts: ReadonlyArray<string | number>; firstRow: number; lineHeight: number; colors: readonly Rgb[] },
): void {
  const rows = Math.floor(area.height / options.lineHeight);
  const glyphHeight = Math.max(3, Math.round(options.lineHeight * 0.5));
  for (let row = 0; row < rows; row += 1) {
    const random = createRandom(hashSeed(...options.seedParts, options.firstRow + row));
    if (random() < 0.12) continue;
    let x = area.x + randomInteger(random, 0, 4) * 16;
    const lineEnd = area.x + area.width * (0.35 + random() * 0.6);
    const y = area.y + row * options.lineHeight + (options.lineHeight - glyphHeight) / 2;
    while (x < lineEnd) {
      const wordWidth = randomInteger(random, 3, 12) * Math.max(3, Math.round(glyphHeight * 0.6));
      const color = options.colors[randomInteger(random, 0, options.colors.length - 1)] ?? [50, 50, 50];
      fillRect(raster, { x, y, width: Math.min(wordWidth, lineEnd - x), height: glyphHeight }, color);
      x += wordWidth + glyphHeight;
    }
  }
}

function paintWindow(raster: Raster, area: Area, titleColor: Rgb, background: Rgb): Area {
  fillRect(raster, { x: area.x + 6, y: area.y + 6, width: area.width, height: area.height }, [0, 0, 0], 0.25);
  fillRect(raster, area, background);
  const titleHeight = Math.round(raster.height * 0.04);
  fillRect(raster, { x: area.x, y: area.y, width: area.width, height: titleHeight }, titleColor);
  const radius = titleHeight * 0.22;
  const buttons: readonly Rgb[] = [
    [255, 95, 86],
    [255, 189, 46],
    [39, 201, 63],
  ];
  buttons.forEach((color, index) => {
    fillEllipse(
      raster,
      { cx: area.x + titleHeight * (0.6 + index * 0.7), cy: area.y + titleHeight / 2, rx: radius, ry: radius },
      color,
    );
  });
  return { x: area.x, y: area.y + titleHeight, width: area.width, height: area.height - titleHeight };
}

/**
 * Paints a screen being shared: desktop, taskbar, an editor window whose text scrolls with the
 * counter, a media window with photo-like content, a chat panel and a moving cursor. Large flat
 * areas compress well; the media window and light codec-like noise keep sizes realistic.
 */
export function paintScreenshareScene(options: {
  participantId: number;
  counter: number;
  width: number;
  height: number;
  noiseSeed: number;
}): { raster: Raster; layout: ScreenshareLayout } {
  const { participantId, counter, width, height } = options;
  const raster = createRaster(width, height);
  const hue = participantHue(participantId);

  fillGradient(raster, { x: 0, y: 0, width, height }, hsl(hue, 0.5, 0.38), hsl(hue + 40, 0.55, 0.18));
  // The wallpaper is a photo in real life; windows painted later stay flat and compress well.
  addNoise(raster, options.noiseSeed, 8);
  const taskbarHeight = Math.round(height * 0.055);
  fillRect(raster, { x: 0, y: height - taskbarHeight, width, height: taskbarHeight }, [30, 30, 34]);
  for (let icon = 0; icon < 7; icon += 1) {
    fillRect(
      raster,
      {
        x: width * 0.35 + icon * taskbarHeight * 1.2,
        y: height - taskbarHeight * 0.85,
        width: taskbarHeight * 0.7,
        height: taskbarHeight * 0.7,
      },
      hsl(hue + icon * 50, 0.6, 0.55),
    );
  }

  const editor = { x: width * 0.04, y: height * 0.06, width: width * 0.56, height: height * 0.8 };
  const editorContent = paintWindow(raster, editor, hsl(hue, 0.55, 0.42), [250, 250, 248]);
  const gutter = editorContent.width * 0.06;
  fillRect(raster, { ...editorContent, width: gutter }, [238, 238, 236]);
  paintTextLines(
    raster,
    {
      x: editorContent.x + gutter + 12,
      y: editorContent.y + 8,
      width: editorContent.width - gutter - 24,
      height: editorContent.height - 16,
    },
    {
      seedParts: ["editor", participantId],
      firstRow: Math.floor(counter / 3),
      lineHeight: Math.max(8, height * 0.025),
      colors: syntaxColors,
    },
  );

  const media = { x: width * 0.63, y: height * 0.08, width: width * 0.34, height: height * 0.46 };
  const mediaContent = paintWindow(raster, media, [60, 60, 66], [0, 0, 0]);
  fillGradient(raster, mediaContent, hsl(hue + 180, 0.5, 0.6), hsl(hue + 220, 0.45, 0.25), 0.3);
  for (let blob = 0; blob < 4; blob += 1) {
    const phase = counter * 0.15 + blob * 1.7;
    fillEllipse(
      raster,
      {
        cx: mediaContent.x + mediaContent.width * (0.5 + 0.35 * Math.sin(phase)),
        cy: mediaContent.y + mediaContent.height * (0.5 + 0.3 * Math.cos(phase * 1.3)),
        rx: mediaContent.width * 0.14,
        ry: mediaContent.height * 0.18,
      },
      hsl(hue + blob * 70, 0.6, 0.5),
      0.6,
    );
  }
  addNoise(raster, options.noiseSeed ^ 0x5bd1e995, 26, mediaContent);

  const chat = { x: width * 0.63, y: height * 0.58, width: width * 0.34, height: height * 0.3 };
  const chatContent = paintWindow(raster, chat, [70, 70, 80], [245, 246, 250]);
  paintTextLines(
    raster,
    { x: chatContent.x + 10, y: chatContent.y + 6, width: chatContent.width - 20, height: chatContent.height - 12 },
    {
      seedParts: ["chat", participantId],
      firstRow: Math.floor(counter / 5),
      lineHeight: Math.max(8, height * 0.03),
      colors: [[70, 70, 90]],
    },
  );

  const cursorX = width * (0.5 + 0.42 * Math.sin(counter * 0.31));
  const cursorY = height * (0.5 + 0.38 * Math.sin(counter * 0.23 + 1));
  const size = height * 0.03;
  fillTriangle(
    raster,
    [
      [cursorX - 1, cursorY - 2],
      [cursorX - 1, cursorY + size + 2],
      [cursorX + size * 0.75, cursorY + size * 0.75],
    ],
    [0, 0, 0],
  );
  fillTriangle(
    raster,
    [
      [cursorX, cursorY],
      [cursorX, cursorY + size],
      [cursorX + size * 0.6, cursorY + size * 0.65],
    ],
    [255, 255, 255],
  );

  return { raster, layout: { editor } };
}
