import type { PipelineStats } from "@framepipe/core";

/** Rates between two snapshots, for the live status line. */
export interface StatusSample {
  readonly at: number;
  readonly received: number;
  readonly written: number;
}

/**
 * One line describing a running pipeline: participants, frames/s in and out, drops, queue fill
 * and in-flight megabytes, the sinks failing now (what `/ready` answers 503 for), then the live
 * preview's address when a `preview` sink serves one.
 */
export function formatStatusLine(
  stats: PipelineStats,
  previous: StatusSample,
  now: number,
  queueCapacity: number,
  previewUrl?: string,
): { line: string; sample: StatusSample } {
  const seconds = Math.max((now - previous.at) / 1000, 0.001);
  const rateIn = (stats.received - previous.received) / seconds;
  const rateOut = (stats.written - previous.written) / seconds;
  const drops = Object.values(stats.dropped).reduce((sum, count) => sum + (count ?? 0), 0);
  const fill = queueCapacity > 0 ? Math.min(100, (stats.queueDepth / queueCapacity) * 100) : 0;
  const line =
    `${stats.state}  participants ${stats.activeGroups}  in ${rateIn.toFixed(1)}/s  out ${rateOut.toFixed(1)}/s` +
    `  dropped ${drops}  errors ${stats.errors}  queue ${stats.queueDepth} (${fill.toFixed(0)}%)` +
    `  in flight ${(stats.inFlightBytes / 2 ** 20).toFixed(1)} MB` +
    failingPart(stats) +
    (previewUrl === undefined ? "" : `  preview ${previewUrl}`);
  return { line, sample: { at: now, received: stats.received, written: stats.written } };
}

/** `  FAILING disk (no space left on device (ENOSPC))`, or nothing while every sink writes. */
function failingPart(stats: PipelineStats): string {
  if (stats.failing.length === 0) return "";
  const sinks = stats.failing.map((sink) => `${sink.component} (${sink.reason})`).join(", ");
  return `  FAILING ${sinks}`;
}
