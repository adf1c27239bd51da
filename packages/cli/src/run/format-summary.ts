import type { PipelineSummary } from "@framepipe/core";

/** The human summary printed when `framepipe run` ends. */
export function formatSummary(summary: PipelineSummary): string {
  const written = Object.entries(summary.written);
  const dropped = Object.entries(summary.dropped).filter(([, count]) => (count ?? 0) > 0);
  const lines = [
    `framepipe stopped (${summary.reason}) after ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  received   ${summary.received} frames`,
    `  written    ${written.length === 0 ? "0" : written.map(([sink, count]) => `${count} to ${sink}`).join(", ")}`,
    `  dropped    ${dropped.length === 0 ? "0" : dropped.map(([reason, count]) => `${count} ${reason}`).join(", ")}`,
    `  errors     ${summary.errors}`,
    `  unwritten  ${summary.unwritten}${summary.drained ? "" : " (the drain did not complete within runtime.shutdownTimeout)"}`,
  ];
  return lines.join("\n");
}
