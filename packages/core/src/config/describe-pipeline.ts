import { isAbsolute, relative, sep } from "node:path";
import type { ComponentConfig, PipelineConfig } from "./pipeline-config.js";
import { redactOptions } from "./redact-options.js";
import { formatByteSize, formatDuration } from "./units.js";
import { redactedText } from "./zod-issue-messages.js";

/**
 * A short human description of a validated pipeline for `framepipe validate`: each component
 * with its type, inputs and options (secrets redacted), then the runtime, API and log settings.
 */
export function describePipeline(config: PipelineConfig): string {
  const lines: string[] = [];
  const all = [...config.sources, ...config.transforms, ...config.sinks];
  const idWidth = Math.max(0, ...all.map((component) => component.id.length));
  const typeWidth = Math.max(0, ...all.map((component) => component.type.length));
  const sections = [
    ["sources", config.sources],
    ["transforms", config.transforms],
    ["sinks", config.sinks],
  ] as const;
  for (const [title, components] of sections) {
    if (components.length === 0) continue;
    lines.push(`${title}:`);
    for (const component of components) lines.push(`  ${describeComponent(component, idWidth, typeWidth)}`);
  }
  const { runtime, api } = config;
  lines.push(
    `runtime: queue ${runtime.queue} per stream, overflow ${runtime.overflow}, ` +
      `maxInFlightBytes ${formatByteSize(runtime.maxInFlightBytes)}, concurrency ${runtime.concurrency}, ` +
      `idleTimeout ${formatDuration(runtime.idleTimeout)}, shutdownTimeout ${formatDuration(runtime.shutdownTimeout)}` +
      (runtime.deadLetterDir === null ? "" : `, deadLetterDir ${shownPath(config.baseDir, runtime.deadLetterDir)}`),
  );
  lines.push(api.port === null ? "api: off" : `api: http://${api.host}:${api.port} (/metrics, /health, /ready)`);
  lines.push(`log: ${config.log.level}`);
  if (config.plugins.length > 0) {
    lines.push(`plugins: ${config.plugins.map((plugin) => shownPath(config.baseDir, plugin)).join(", ")}`);
  }
  return lines.join("\n");
}

function describeComponent(component: ComponentConfig, idWidth: number, typeWidth: number): string {
  const parts = [component.id.padEnd(idWidth), component.type.padEnd(typeWidth)];
  if (component.inputs.length > 0) parts.push(`<- ${component.inputs.join(", ")}`);
  const options = Object.entries(redactOptions(component.definition, component.options))
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${formatOptionValue(value)}`);
  if (options.length > 0) parts.push(options.join(" "));
  if (component.onError !== "drop") parts.push(`onError=${component.onError}`);
  if (component.concurrency) parts.push(`concurrency=${component.concurrency}`);
  return parts.join("  ").trimEnd();
}

/** A path inside the config's folder as `./relative`, anything else as written. */
function shownPath(baseDir: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(baseDir, path);
  return inside === "" || inside.startsWith("..") || isAbsolute(inside) ? path : `./${inside.split(sep).join("/")}`;
}

function formatOptionValue(value: unknown): string {
  if (value === redactedText) return redactedText;
  if (typeof value === "string") return /^[\w./:@{}|-]+$/.test(value) && value !== "" ? value : JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
