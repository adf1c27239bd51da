import type { FrameFailureCount, PipelineSummary } from "@framepipe/core";

/** Where the second line of a value starts: under the first column of values. */
const continuation = " ".repeat(13);

function frames(count: number): string {
  return `${count} ${count === 1 ? "frame" : "frames"}`;
}

/** The `failed` line: how many frames failed for good, what became of them, and why (one line per cause). */
function describeFailures(failures: readonly FrameFailureCount[], deadLetterDirectory: string | null): string {
  if (failures.length === 0) return "0";
  const lost = failures.reduce((sum, failure) => sum + failure.lost, 0);
  const deadLettered = failures.reduce((sum, failure) => sum + failure.deadLettered, 0);
  const deadLetters = `dead-lettered${deadLetterDirectory === null ? "" : ` in ${deadLetterDirectory}`}`;
  const heading =
    deadLettered === 0
      ? `${frames(lost)} lost to errors`
      : lost === 0
        ? `${frames(deadLettered)} ${deadLetters}`
        : `${frames(lost + deadLettered)}: ${lost} lost to errors, ${deadLettered} ${deadLetters}`;
  const causes = failures.map(
    (failure) => `${continuation}${failure.lost + failure.deadLettered} at ${failure.label}: ${failure.reason}`,
  );
  return [heading, ...causes].join("\n");
}

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
    `  failed     ${describeFailures(summary.failures, summary.deadLetterDirectory)}`,
    `  unwritten  ${summary.unwritten}${summary.drained ? "" : " (the drain did not complete within runtime.shutdownTimeout)"}`,
  ];
  return lines.join("\n");
}
