import { FramepipeError } from "../errors/framepipe-error.js";
import type { RuntimeComponent } from "./create-components.js";
import type { LaneNode, NodeRuntime } from "./pipeline-node.js";
import { SinkNode } from "./sink-node.js";
import { SourceNode, type SourceNodeServices } from "./source-node.js";
import { TransformNode } from "./transform-node.js";

/** The running graph: every node in creation order, and the sources among them. */
export interface PipelineGraph {
  readonly nodes: readonly (SourceNode | LaneNode)[];
  readonly sources: readonly SourceNode[];
}

/**
 * Builds the graph: one node per component, edges from each input to its consumer. The config
 * was validated, but the runtime also accepts hand-built configs, so unknown inputs and cycles are
 * checked again.
 */
export function buildGraph(
  components: readonly RuntimeComponent[],
  runtime: NodeRuntime,
  sourceServices: SourceNodeServices,
): PipelineGraph {
  const byId = new Map<string, SourceNode | LaneNode>();
  const nodes: (SourceNode | LaneNode)[] = [];
  const sources: SourceNode[] = [];
  for (const component of components) {
    if (byId.has(component.config.id)) throw graphError(`component id "${component.config.id}" is used twice`);
    let node: SourceNode | LaneNode;
    if (component.kind === "source") {
      node = new SourceNode(component, runtime, sourceServices);
      sources.push(node);
    } else {
      const inputCount = new Set(component.config.inputs).size;
      node =
        component.kind === "transform"
          ? new TransformNode(component, runtime, inputCount, component.concurrency)
          : new SinkNode(component, runtime, inputCount, component.concurrency);
    }
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
      producer.consumers.push({ node: node as LaneNode, input });
    });
  }
  checkAcyclic(nodes);
  return { nodes, sources };
}

function checkAcyclic(nodes: readonly (SourceNode | LaneNode)[]): void {
  const state = new Map<SourceNode | LaneNode, "visiting" | "done">();
  const visit = (node: SourceNode | LaneNode): void => {
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
