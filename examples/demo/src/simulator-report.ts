import type { FakeRecallBotReport } from "@framepipe/testing";
import { formatBytes } from "./frames-tree.js";

/** The simulator's report: what the fake Recall bots sent. */
export function formatSimulatorReport(report: FakeRecallBotReport): string {
  const seconds = report.durationMs / 1000;
  const totals = report.totals;
  const lines = [`simulator: ${report.outcome} in ${seconds.toFixed(1)} s`];
  for (const bot of report.bots) {
    lines.push(
      `  bot ${bot.botId.slice(0, 8)}… recording ${bot.recordingId}: ${bot.outcome}, ${bot.framesSent} frames, ` +
        `${bot.participantEventsSent} participant events (join, late name, leave), ${formatBytes(bot.bytesSent)}, ` +
        `${bot.reconnects} reconnects`,
    );
  }
  lines.push(
    `  total: ${totals.framesSent}/${report.framesPlannedPerBot * report.bots.length} frames planned, ` +
      `${seconds > 0 ? (totals.framesSent / seconds).toFixed(1) : "0"} frames/s, ${formatBytes(totals.bytesSent)} sent, ` +
      `${totals.skippedFrames} skipped, ${totals.lostMessages} lost, ${totals.backpressureWaits} backpressure waits`,
  );
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  return lines.join("\n");
}
