import type { ComponentEntry } from "./component-entries.js";
import { closestMatch } from "./did-you-mean.js";
import type { ProblemCollector } from "./problem-collector.js";

/**
 * Checks the wiring: unknown inputs, sinks used as inputs, components without inputs, cycles,
 * unused sources (errors) and transforms (warnings), and a pipeline without sources or sinks.
 */
export function checkGraph(entries: readonly ComponentEntry[], problems: ProblemCollector): void {
  const byId = new Map<string, ComponentEntry>();
  for (const entry of entries) if (!entry.duplicate) byId.set(entry.id, entry);
  const producerIds = entries.filter((entry) => entry.kind !== "sink" && !entry.duplicate).map((entry) => entry.id);
  const consumed = new Set<string>();

  for (const entry of entries) {
    if (entry.kind === "source" || entry.malformed) continue;
    if (entry.inputs.length === 0) {
      problems.error(
        [...entry.path, "inputs"],
        `a ${entry.kind} needs at least one input: add \`inputs: [<source or transform id>]\``,
      );
    }
    for (const input of entry.inputs) {
      const path = [...entry.path, "inputs", input.index];
      const upstream = byId.get(input.id);
      if (upstream === undefined) {
        const candidates = producerIds.filter((id) => id !== entry.id);
        const match = closestMatch(input.id, candidates);
        // The likely intended input counts as used, so a typo is not also reported as an unused component.
        if (match !== undefined) consumed.add(match);
        const hint =
          match !== undefined
            ? `; did you mean \`${match}\`?`
            : candidates.length > 0
              ? `; known sources and transforms: ${candidates.join(", ")}`
              : "";
        problems.error(path, `unknown input \`${input.id}\`${hint}`);
      } else if (upstream.kind === "sink") {
        problems.error(path, `\`${input.id}\` is a sink: sinks produce no frames, so they cannot be an input`);
      } else {
        consumed.add(input.id);
      }
    }
  }

  reportCycles(entries, byId, problems);

  // Without a sink, or with unreadable inputs somewhere, "unused" would only echo those problems.
  const hasSink = entries.some((entry) => entry.kind === "sink");
  const inputsUnreadable = entries.some((entry) => entry.kind !== "source" && entry.malformed);
  for (const entry of hasSink && !inputsUnreadable ? entries : []) {
    if (entry.duplicate || consumed.has(entry.id)) continue;
    if (entry.kind === "source") {
      problems.error(
        entry.path,
        `source \`${entry.id}\` is not used: list it in the \`inputs\` of a transform or sink`,
        {
          anchor: "key",
        },
      );
    } else if (entry.kind === "transform") {
      problems.warning(
        entry.path,
        `transform \`${entry.id}\` is not used: no transform or sink lists it in \`inputs\`, so its output goes nowhere`,
        { anchor: "key" },
      );
    }
  }

  if (!entries.some((entry) => entry.kind === "source")) {
    problems.error(["sources"], "the pipeline has no source: add one under `sources:`");
  }
  if (!hasSink) {
    problems.error(["sinks"], "the pipeline has no sink: add one under `sinks:`");
  }
}

function reportCycles(
  entries: readonly ComponentEntry[],
  byId: ReadonlyMap<string, ComponentEntry>,
  problems: ProblemCollector,
): void {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const reported = new Set<string>();
  const order = new Map(entries.map((entry, index) => [entry.id, index]));

  const visit = (id: string): void => {
    state.set(id, "visiting");
    stack.push(id);
    const entry = byId.get(id);
    for (const input of entry?.inputs ?? []) {
      const upstream = byId.get(input.id);
      if (upstream === undefined || upstream.kind !== "transform") continue;
      const upstreamState = state.get(input.id);
      if (upstreamState === "visiting") {
        // The stack from the upstream id back to here is the cycle, walked against the data flow.
        const members = stack.slice(stack.indexOf(input.id)).reverse();
        const first = members.reduce((best, member) =>
          (order.get(member) ?? 0) < (order.get(best) ?? 0) ? member : best,
        );
        const start = members.indexOf(first);
        const rotated = [...members.slice(start), ...members.slice(0, start)];
        const key = [...rotated].sort().join("\u0000");
        if (!reported.has(key)) {
          reported.add(key);
          const owner = byId.get(first);
          problems.error(
            [...(owner?.path ?? ["transforms", first]), "inputs"],
            `cycle: ${[...rotated, first].join(" -> ")}`,
          );
        }
      } else if (upstreamState === undefined) {
        visit(input.id);
      }
    }
    stack.pop();
    state.set(id, "done");
  };

  for (const entry of entries) {
    if (entry.kind === "transform" && !entry.duplicate && state.get(entry.id) === undefined) visit(entry.id);
  }
}
