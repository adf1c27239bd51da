import { FramepipeError } from "../errors/framepipe-error.js";
import type { StreamKey } from "../model/stream-key.js";
import type { RuntimeComponent } from "./create-components.js";
import type { GroupEnd, Lane } from "./lane.js";

/** An edge to a consumer: the consumer and which of its inputs the edge is. */
export interface Edge {
  readonly node: GraphNode;
  readonly input: number;
}

/** Progress of one group's end at a sink: `endGroup` runs when the last stream's marker arrives. */
export interface PendingGroupEnd {
  remaining: number;
  touched: boolean;
}

/** A component in the running graph. */
export interface GraphNode {
  readonly id: string;
  readonly component: RuntimeComponent;
  /** Distinct inputs (0 for sources). */
  readonly inputCount: number;
  readonly consumers: Edge[];
  /** Per-stream lanes, alive from a stream's first item to its end. */
  readonly lanes: Map<StreamKey, Lane>;
  /** Sinks: groups whose markers are arriving. */
  readonly groupEnds: Map<GroupEnd, PendingGroupEnd>;
}

/**
 * Builds the graph: one node per component, edges from each input to its consumer. The config
 * was validated, but the runtime also accepts hand-built configs, so unknown inputs and cycles are
 * checked again.
 */
export function buildGraph(components: readonly RuntimeComponent[]): GraphNode[] {
  const byId = new Map<string, GraphNode>();
  const nodes: GraphNode[] = [];
  for (const component of components) {
    const inputs = component.kind === "source" ? [] : [...new Set(component.config.inputs)];
    const node: GraphNode = {
      id: component.config.id,
      component,
      inputCount: inputs.length,
      consumers: [],
      lanes: new Map(),
      groupEnds: new Map(),
    };
    if (byId.has(node.id)) throw graphError(`component id "${node.id}" is used twice`);
    byId.set(node.id, node);
    nodes.push(node);
  }
  for (const node of nodes) {
    if (node.component.kind === "source") continue;
    const inputs = [...new Set(node.component.config.inputs)];
    if (inputs.length === 0) throw graphError(`${node.component.label} has no inputs`);
    inputs.forEach((inputId, input) => {
      const producer = byId.get(inputId);
      if (!producer || producer.component.kind === "sink") {
        throw graphError(`${node.component.label} reads from "${inputId}", which is not a source or transform`);
      }
      producer.consumers.push({ node, input });
    });
  }
  checkAcyclic(nodes);
  return nodes;
}

function checkAcyclic(nodes: readonly GraphNode[]): void {
  const state = new Map<GraphNode, "visiting" | "done">();
  const visit = (node: GraphNode): void => {
    const current = state.get(node);
    if (current === "done") return;
    if (current === "visiting") throw graphError(`the inputs of ${node.component.label} form a cycle`);
    state.set(node, "visiting");
    for (const edge of node.consumers) visit(edge.node);
    state.set(node, "done");
  };
  for (const node of nodes) visit(node);
}

function graphError(message: string): FramepipeError {
  return new FramepipeError({ code: "CONFIG_INVALID", stage: "config", message });
}
