import { createRandom, hashSeed } from "../seeded-random.js";
import { addNoise, createRaster, fillEllipse, fillGradient, fillRect, hsl, type Raster, type Rgb } from "./raster.js";

const skinTones: readonly Rgb[] = [
  [241, 194, 167],
  [224, 172, 138],
  [198, 134, 96],
  [160, 102, 70],
  [112, 72, 50],
];

/** The hue (degrees) that identifies a participant across both stream types. */
export function participantHue(participantId: number): number {
  return hashSeed("hue", participantId) % 360;
}

/**
 * Paints a webcam-like scene: a lit wall in the participant's hue, a few room objects, a head and
 * shoulders that sway with the frame counter, objects drifting across, and sensor noise.
 */
export function paintWebcamScene(options: {
  participantId: number;
  counter: number;
  width: number;
  height: number;
  noiseSeed: number;
}): Raster {
  const { participantId, counter, width, height } = options;
  const raster = createRaster(width, height);
  const hue = participantHue(participantId);
  const layout = createRandom(hashSeed("webcam-layout", participantId));

  fillGradient(raster, { x: 0, y: 0, width, height }, hsl(hue, 0.3, 0.72), hsl(hue, 0.25, 0.42), 0.3);
  // A window and a picture on the wall: fixed per participant, like a real room.
  fillRect(
    raster,
    { x: width * (0.05 + layout() * 0.1), y: height * 0.1, width: width * 0.22, height: height * 0.35 },
    hsl(200, 0.5, 0.85),
  );
  fillRect(
    raster,
    {
      x: width * (0.7 + layout() * 0.1),
      y: height * (0.12 + layout() * 0.1),
      width: width * 0.16,
      height: height * 0.2,
    },
    hsl(hue + 120, 0.45, 0.5),
  );
  fillEllipse(
    raster,
    { cx: width * 0.9, cy: height * 0.75, rx: width * 0.08, ry: height * 0.16 },
    hsl(120, 0.4, 0.3),
    0.4,
  );

  // Things moving behind the participant, so consecutive frames differ like real video.
  const drift = (counter * width * 0.035) % (width * 1.3);
  fillEllipse(
    raster,
    {
      cx: drift - width * 0.15,
      cy: height * (0.25 + 0.05 * Math.sin(counter / 3)),
      rx: width * 0.05,
      ry: width * 0.05,
    },
    hsl(hue + 60, 0.7, 0.55),
    0.5,
  );
  fillRect(
    raster,
    {
      x: width - ((counter * width * 0.02) % (width * 1.2)),
      y: height * 0.55,
      width: width * 0.12,
      height: height * 0.08,
    },
    hsl(hue + 200, 0.5, 0.45),
    0.8,
  );

  const sway = Math.sin(counter * 0.4) * width * 0.03;
  const nod = Math.cos(counter * 0.3) * height * 0.01;
  const skin = skinTones[participantId % skinTones.length] ?? [224, 172, 138];
  const centerX = width / 2 + sway;
  fillEllipse(
    raster,
    { cx: centerX, cy: height * 1.08, rx: width * 0.33, ry: height * 0.38 },
    hsl(hue + 180, 0.45, 0.35),
    0.5,
  );
  fillRect(raster, { x: centerX - width * 0.045, y: height * 0.55, width: width * 0.09, height: height * 0.18 }, [
    skin[0] * 0.85,
    skin[1] * 0.85,
    skin[2] * 0.85,
  ]);
  fillEllipse(raster, { cx: centerX, cy: height * 0.3 + nod, rx: width * 0.12, ry: height * 0.13 }, [40, 30, 25], 0.3);
  fillEllipse(raster, { cx: centerX, cy: height * 0.42 + nod, rx: width * 0.11, ry: height * 0.17 }, skin, 0.35);
  for (const side of [-1, 1]) {
    fillEllipse(
      raster,
      { cx: centerX + side * width * 0.04, cy: height * 0.4 + nod, rx: width * 0.014, ry: height * 0.012 },
      [30, 25, 25],
    );
  }
  // The mouth opens and closes as if speaking.
  fillEllipse(
    raster,
    { cx: centerX, cy: height * 0.51 + nod, rx: width * 0.03, ry: height * (0.004 + 0.012 * (counter % 3)) },
    [120, 50, 50],
  );

  addNoise(raster, options.noiseSeed, 22);
  return raster;
}
