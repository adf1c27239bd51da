import type { PipelineEngine } from "./pipeline-engine.js";
import type { ComponentStats, PipelineState, PipelineStats } from "./pipeline-types.js";
import type { RuntimeCounters } from "./runtime-counters.js";

/** A snapshot of the counters and the live state of the engine. */
export function pipelineStats(state: PipelineState, engine: PipelineEngine, counters: RuntimeCounters): PipelineStats {
  const components: Record<string, ComponentStats> = {};
  for (const node of engine.nodes) {
    const stats = counters.componentStats(node.id, engine.waitingAt(node), engine.gate(node.id)?.paused);
    if (stats) components[node.id] = stats;
  }
  const written = Object.values(counters.writtenBySink()).reduce((sum, value) => sum + value, 0);
  return {
    state,
    received: counters.totalReceived,
    events: counters.eventsByKind(),
    written,
    dropped: counters.droppedByReason(),
    errors: counters.errors,
    queueDepth: engine.flow.depth,
    inFlightBytes: engine.flow.bytes,
    activeGroups: engine.groups.size,
    components,
    failing: engine.health.failing(),
  };
}
