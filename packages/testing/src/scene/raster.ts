/**
 * A minimal RGB raster with the few drawing operations the synthetic scenes need. Drawing in
 * JavaScript (rather than SVG) keeps full control over noise, which is what makes PNG sizes
 * realistic.
 */

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** Three-channel pixels; the clamped array saturates instead of wrapping. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8ClampedArray;
}

/** Allocates a black raster. */
export function createRaster(width: number, height: number): Raster {
  return { width, height, pixels: new Uint8ClampedArray(width * height * 3) };
}

/** HSL (hue in degrees, saturation and lightness 0–1) to RGB. */
export function hsl(hue: number, saturation: number, lightness: number): Rgb {
  const degrees = ((hue % 360) + 360) % 360;
  const amount = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number): number => {
    const k = (n + degrees / 30) % 12;
    return 255 * (lightness - amount * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [channel(0), channel(8), channel(4)];
}

/** Blends `color` over the pixel at `offset` with coverage `alpha` (0–1). */
function blend(pixels: Uint8ClampedArray, offset: number, color: Rgb, alpha: number): void {
  if (alpha >= 1) {
    pixels[offset] = color[0];
    pixels[offset + 1] = color[1];
    pixels[offset + 2] = color[2];
    return;
  }
  const keep = 1 - alpha;
  pixels[offset] = (pixels[offset] ?? 0) * keep + color[0] * alpha;
  pixels[offset + 1] = (pixels[offset + 1] ?? 0) * keep + color[1] * alpha;
  pixels[offset + 2] = (pixels[offset + 2] ?? 0) * keep + color[2] * alpha;
}

/** Fills a rectangle with a gradient from `top` to `bottom`, optionally darkening to the right. */
export function fillGradient(
  raster: Raster,
  area: { x: number; y: number; width: number; height: number },
  top: Rgb,
  bottom: Rgb,
  rightFalloff = 0,
): void {
  const x0 = Math.max(0, Math.round(area.x));
  const y0 = Math.max(0, Math.round(area.y));
  const x1 = Math.min(raster.width, Math.round(area.x + area.width));
  const y1 = Math.min(raster.height, Math.round(area.y + area.height));
  for (let y = y0; y < y1; y += 1) {
    const t = area.height <= 1 ? 0 : (y - area.y) / area.height;
    const r = top[0] + (bottom[0] - top[0]) * t;
    const g = top[1] + (bottom[1] - top[1]) * t;
    const b = top[2] + (bottom[2] - top[2]) * t;
    for (let x = x0; x < x1; x += 1) {
      const light = 1 - rightFalloff * ((x - area.x) / area.width);
      const offset = (y * raster.width + x) * 3;
      raster.pixels[offset] = r * light;
      raster.pixels[offset + 1] = g * light;
      raster.pixels[offset + 2] = b * light;
    }
  }
}

/** Fills an axis-aligned rectangle, blended with `alpha`. */
export function fillRect(
  raster: Raster,
  area: { x: number; y: number; width: number; height: number },
  color: Rgb,
  alpha = 1,
): void {
  const x0 = Math.max(0, Math.round(area.x));
  const y0 = Math.max(0, Math.round(area.y));
  const x1 = Math.min(raster.width, Math.round(area.x + area.width));
  const y1 = Math.min(raster.height, Math.round(area.y + area.height));
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) blend(raster.pixels, (y * raster.width + x) * 3, color, alpha);
  }
}

/**
 * Fills an ellipse with a soft (anti-aliased) edge. `shade` darkens it towards the right, a cheap
 * stand-in for side lighting that gives the encoder gradients rather than flat areas.
 */
export function fillEllipse(
  raster: Raster,
  ellipse: { cx: number; cy: number; rx: number; ry: number },
  color: Rgb,
  shade = 0,
): void {
  const { cx, cy, rx, ry } = ellipse;
  if (rx <= 0 || ry <= 0) return;
  const x0 = Math.max(0, Math.floor(cx - rx - 1));
  const x1 = Math.min(raster.width, Math.ceil(cx + rx + 1));
  const y0 = Math.max(0, Math.floor(cy - ry - 1));
  const y1 = Math.min(raster.height, Math.ceil(cy + ry + 1));
  const edge = 1.5 / Math.min(rx, ry);
  for (let y = y0; y < y1; y += 1) {
    const dy = (y + 0.5 - cy) / ry;
    for (let x = x0; x < x1; x += 1) {
      const dx = (x + 0.5 - cx) / rx;
      const distance = Math.sqrt(dx * dx + dy * dy);
      if (distance >= 1) continue;
      const coverage = Math.min(1, (1 - distance) / edge);
      const light = 1 - shade * ((dx + 1) / 2);
      blend(
        raster.pixels,
        (y * raster.width + x) * 3,
        [color[0] * light, color[1] * light, color[2] * light],
        coverage,
      );
    }
  }
}

/** Fills a triangle (used for the mouse cursor). */
export function fillTriangle(
  raster: Raster,
  points: readonly [readonly [number, number], readonly [number, number], readonly [number, number]],
  color: Rgb,
): void {
  const [[ax, ay], [bx, by], [cx, cy]] = points;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
  const x1 = Math.min(raster.width - 1, Math.ceil(Math.max(ax, bx, cx)));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy)));
  const y1 = Math.min(raster.height - 1, Math.ceil(Math.max(ay, by, cy)));
  const side = (px: number, py: number, qx: number, qy: number, rx: number, ry: number): number =>
    (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  for (let y = y0; y <= y1; y += 1) {
    for (let x = x0; x <= x1; x += 1) {
      const d1 = side(x, y, ax, ay, bx, by);
      const d2 = side(x, y, bx, by, cx, cy);
      const d3 = side(x, y, cx, cy, ax, ay);
      const negative = d1 < 0 || d2 < 0 || d3 < 0;
      const positive = d1 > 0 || d2 > 0 || d3 > 0;
      if (!(negative && positive)) blend(raster.pixels, (y * raster.width + x) * 3, color, 1);
    }
  }
}

/**
 * Adds seeded triangular noise of at most ±`amplitude` to a region (the whole raster by
 * default). Sensor noise is what keeps real camera PNGs large; without it a synthetic frame
 * compresses 15–20× better than a real one and benchmarks flatter the code.
 */
export function addNoise(
  raster: Raster,
  seed: number,
  amplitude: number,
  area: { x: number; y: number; width: number; height: number } = {
    x: 0,
    y: 0,
    width: raster.width,
    height: raster.height,
  },
): void {
  const x0 = Math.max(0, Math.round(area.x));
  const y0 = Math.max(0, Math.round(area.y));
  const x1 = Math.min(raster.width, Math.round(area.x + area.width));
  const y1 = Math.min(raster.height, Math.round(area.y + area.height));
  const scale = amplitude / 255;
  // xorshift32 inline: one call per two samples keeps a 1280×720 frame well under 20 ms.
  let state = seed >>> 0 || 0x9e3779b9;
  const pixels = raster.pixels;
  for (let y = y0; y < y1; y += 1) {
    const rowStart = (y * raster.width + x0) * 3;
    const rowEnd = (y * raster.width + x1) * 3;
    for (let offset = rowStart; offset < rowEnd; offset += 1) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const sample = (state & 255) + ((state >>> 8) & 255) - 255;
      pixels[offset] = (pixels[offset] ?? 0) + sample * scale;
    }
  }
}
