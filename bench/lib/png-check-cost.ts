import { readPngHeader, validatePng } from "@framepipe/core";
import { FrameLibrary } from "@framepipe/testing";

/** What ingest's PNG check costs on one kind of realistic frame. */
export interface PngCheckCost {
  readonly frames: string;
  /** Mean size of the PNGs measured. */
  readonly meanPngBytes: number;
  /** Mean number of chunks per PNG (each gets a CRC call). */
  readonly meanChunks: number;
  /** The check before issue 12: signature and IHDR only (`readPngHeader`). */
  readonly headerOnlyMsPerFrame: number;
  /** The check since: header, pixel limit, every chunk's bounds and CRC (`validatePng`). */
  readonly structuralMsPerFrame: number;
  /** What the structural check adds per frame. */
  readonly addedMsPerFrame: number;
}

const kinds = [
  { frames: "640×360 webcam", type: "webcam", width: 640, height: 360 },
  { frames: "1280×720 screenshare", type: "screenshare", width: 1280, height: 720 },
  { frames: "1280×720 webcam (camera noise: the largest PNGs)", type: "webcam", width: 1280, height: 720 },
] as const;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function countChunks(png: Buffer): number {
  let offset = 8;
  let chunks = 0;
  while (offset + 8 <= png.length) {
    offset += 12 + png.readUInt32BE(offset);
    chunks += 1;
  }
  return chunks;
}

/** Milliseconds per frame of `check` over `pngs`, `repeat` times each. */
function timePerFrame(pngs: readonly Buffer[], repeat: number, check: (png: Buffer) => { ok: boolean }): number {
  const started = process.hrtime.bigint();
  for (let round = 0; round < repeat; round += 1) {
    for (const png of pngs) if (!check(png).ok) throw new Error("a realistic frame failed the PNG check");
  }
  return Number(process.hrtime.bigint() - started) / 1e6 / (repeat * pngs.length);
}

/**
 * Times the old header-only check against the structural check on realistic frames, the two
 * taking turns pass by pass (as `compare` does) so machine noise falls on both; medians of
 * `passes` passes. Distinct frames per kind, so the CRC reads memory as a receiver would, not
 * one buffer sitting in cache.
 */
export async function measurePngCheckCost(options: { framesPerKind: number; passes: number }): Promise<PngCheckCost[]> {
  const costs: PngCheckCost[] = [];
  for (const kind of kinds) {
    const library = new FrameLibrary({
      framesPerStream: options.framesPerKind,
      sizes: { [kind.type]: { width: kind.width, height: kind.height } },
    });
    const pngs = await Promise.all(
      Array.from({ length: options.framesPerKind }, (_, counter) =>
        library.png({ participantId: 1 + counter, type: kind.type, counter }),
      ),
    );
    const repeat = 20;
    const headerOnly: number[] = [];
    const structural: number[] = [];
    timePerFrame(pngs, repeat, validatePng); // warm-up
    for (let pass = 0; pass < options.passes; pass += 1) {
      headerOnly.push(timePerFrame(pngs, repeat, readPngHeader));
      structural.push(timePerFrame(pngs, repeat, validatePng));
    }
    const headerOnlyMsPerFrame = median(headerOnly);
    const structuralMsPerFrame = median(structural);
    costs.push({
      frames: kind.frames,
      meanPngBytes: Math.round(pngs.reduce((sum, png) => sum + png.length, 0) / pngs.length),
      meanChunks: pngs.reduce((sum, png) => sum + countChunks(png), 0) / pngs.length,
      headerOnlyMsPerFrame,
      structuralMsPerFrame,
      addedMsPerFrame: structuralMsPerFrame - headerOnlyMsPerFrame,
    });
  }
  return costs;
}
