import { writeFile } from "node:fs/promises";
import type { CapacityResults } from "./capacity-results.js";
import type { StepResult } from "./capacity-step.js";
import type { ReceiverName } from "./receiver-under-test.js";

const width = 980;
const rowHeight = 360;
const panelWidth = 380;
const panelHeight = 250;
const panelTop = 50;
const colours = { framepipe: "#1f77b4", baseline: "#d62728", offered: "#7f7f7f" } as const;

type Point = readonly [number, number];

/** The verdict-deciding attempt per (receiver, N): the last one run. */
function lastAttempts(steps: readonly StepResult[], receiver: string): StepResult[] {
  const byN = new Map<number, StepResult>();
  for (const step of steps) if (step.receiver === receiver) byN.set(step.layout.participants, step);
  return [...byN.values()].sort((left, right) => left.layout.participants - right.layout.participants);
}

function niceMaximum(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  for (const factor of [1, 2, 2.5, 5, 10]) if (value <= factor * magnitude) return factor * magnitude;
  return 10 * magnitude;
}

const escapeText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** One panel: axes, ticks, a threshold line when given, and a polyline per series. */
function panel(options: {
  left: number;
  /** Offset of the panel's row from the top of the image. */
  row: number;
  title: string;
  xLabel?: string;
  yLabel: string;
  xMaximum: number;
  yMaximum: number;
  series: ReadonlyArray<{ label: string; colour: string; dashed?: boolean; points: readonly Point[] }>;
  threshold?: { value: number; label: string };
}): string {
  const { left, xMaximum, yMaximum } = options;
  const top = options.row + panelTop;
  const x = (value: number) => left + (value / xMaximum) * panelWidth;
  const y = (value: number) => top + panelHeight - (Math.min(value, yMaximum) / yMaximum) * panelHeight;
  const parts: string[] = [
    `<text x="${left + panelWidth / 2}" y="${top - 20}" text-anchor="middle" font-weight="bold">${escapeText(options.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${panelWidth}" height="${panelHeight}" fill="none" stroke="#ccc"/>`,
  ];
  for (let tick = 0; tick <= 4; tick += 1) {
    const xValue = (xMaximum * tick) / 4;
    const yValue = (yMaximum * tick) / 4;
    parts.push(
      `<text x="${x(xValue)}" y="${top + panelHeight + 16}" text-anchor="middle">${Math.round(xValue)}</text>`,
      `<line x1="${left}" x2="${left + panelWidth}" y1="${y(yValue)}" y2="${y(yValue)}" stroke="#eee"/>`,
      `<text x="${left - 6}" y="${y(yValue) + 4}" text-anchor="end">${Number(yValue.toFixed(2))}</text>`,
    );
  }
  parts.push(
    `<text x="${left + panelWidth / 2}" y="${top + panelHeight + 34}" text-anchor="middle">${escapeText(options.xLabel ?? "participants (N)")}</text>`,
    `<text transform="translate(${left - 42} ${top + panelHeight / 2}) rotate(-90)" text-anchor="middle">${escapeText(options.yLabel)}</text>`,
  );
  if (options.threshold) {
    const level = y(options.threshold.value);
    parts.push(
      `<line x1="${left}" x2="${left + panelWidth}" y1="${level}" y2="${level}" stroke="#999" stroke-dasharray="2 3"/>`,
      `<text x="${left + panelWidth - 4}" y="${level - 4}" text-anchor="end" fill="#777">${escapeText(options.threshold.label)}</text>`,
    );
  }
  options.series.forEach((series, index) => {
    if (series.points.length === 0) return;
    const path = series.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(" ");
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : "";
    parts.push(`<polyline points="${path}" fill="none" stroke="${series.colour}" stroke-width="2"${dash}/>`);
    for (const [px, py] of series.points) {
      parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${series.colour}"/>`);
    }
    const legendY = top + 14 + index * 16;
    parts.push(
      `<line x1="${left + 10}" x2="${left + 30}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${series.colour}" stroke-width="2"${dash}/>`,
      `<text x="${left + 36}" y="${legendY}">${escapeText(series.label)}</text>`,
    );
  });
  return parts.join("\n");
}

/** A two-panel SVG: frames/s offered and written per N, and p99 latency per N, for both receivers. */
export function capacityChart(results: CapacityResults): string {
  const receivers = Object.keys(results.verdicts) as ReceiverName[];
  const attempts = receivers.map((name) => ({ name, steps: lastAttempts(results.steps, name) }));
  const all = attempts.flatMap((entry) => entry.steps);
  const xMaximum = niceMaximum(Math.max(...all.map((step) => step.layout.participants), 1));
  const offered = [...new Map(all.map((step) => [step.layout.participants, step.fps.offered])).entries()].sort(
    (left, right) => left[0] - right[0],
  );
  const fpsMaximum = niceMaximum(Math.max(...all.map((step) => Math.max(step.fps.offered, step.fps.written)), 1));
  const latencyMaximum = 3;
  const throughput = panel({
    left: 70,
    row: 0,
    title: "frames/s written vs offered",
    yLabel: "frames per second",
    xMaximum,
    yMaximum: fpsMaximum,
    series: [
      { label: "offered (2 fps per stream)", colour: colours.offered, dashed: true, points: offered },
      ...attempts.map(({ name, steps }) => ({
        label: `${name} written (max N ${results.verdicts[name].maxSustained})`,
        colour: colours[name],
        points: steps.map((step): Point => [step.layout.participants, step.fps.written]),
      })),
    ],
  });
  const latency = panel({
    left: 70 + panelWidth + 80,
    row: 0,
    title: "p99 latency, receive → written",
    yLabel: "seconds (capped at 3)",
    xMaximum,
    yMaximum: latencyMaximum,
    threshold: { value: 1, label: "1 s limit" },
    series: attempts.map(({ name, steps }) => ({
      label: `${name} p99`,
      colour: colours[name],
      points: steps
        .filter((step) => step.latency.p99 !== null)
        .map((step): Point => [step.layout.participants, step.latency.p99 ?? 0]),
    })),
  });
  const memory = overloadMemoryPanel(results);
  const height = memory === null ? rowHeight : 2 * rowHeight;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-labelledby="title">`,
    `<title id="title">Capacity sweep: frames per second written against offered, and p99 latency, per participant count</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    throughput,
    latency,
    ...(memory === null ? [] : [memory]),
    "</svg>",
    "",
  ].join("\n");
}

/** RSS over the overload window for both receivers (null when the sweep had no overload step). */
function overloadMemoryPanel(results: CapacityResults): string | null {
  if (results.overload.length === 0) return null;
  const seconds = Math.max(...results.overload.flatMap((step) => step.memory.samples.map(([at]) => at)), 1);
  const mebibytes = Math.max(...results.overload.flatMap((step) => step.memory.samples.map(([, rss]) => rss)), 1);
  const participants = results.overload[0]?.layout.participants ?? 0;
  return panel({
    left: 70,
    row: rowHeight,
    title: `RSS under overload (N = ${participants})`,
    xLabel: "seconds into the measuring window",
    yLabel: "resident memory, MiB",
    xMaximum: niceMaximum(seconds),
    yMaximum: niceMaximum(mebibytes * 1.1),
    series: results.overload.map((step) => ({
      label: `${step.receiver}: ${step.fps.written} frames/s written of ${step.fps.offered} offered`,
      colour: colours[step.receiver],
      points: step.memory.samples,
    })),
  });
}

/** Writes {@link capacityChart} to `file`. */
export async function writeCapacityChart(file: URL, results: CapacityResults): Promise<void> {
  await writeFile(file, capacityChart(results));
}
