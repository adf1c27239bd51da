import { median } from "../lib/compare-measured.js";
import type { HopRole } from "./hop-candidates.js";
import type { HopPassResult } from "./hop-pass.js";

/** The target of issue 14: the hop costs less than this much CPU per frame on each side. */
export const targetMsPerSide = 1;

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** One process's figures over the rounds: the median and every round's value. */
export interface RoleSummary {
  readonly role: HopRole;
  readonly cpuMsPerFrame: number;
  readonly cpuMsPerFrameByRound: readonly number[];
  readonly mainThreadMsPerFrame: number;
  readonly cpuPercent: number;
  readonly peakRssMiB: number;
}

/** The benchmark's answer, from the medians over rounds. */
export interface HopSummary {
  /** Frames/s delivered to the discard sink (median over rounds), each candidate. */
  readonly deliveredFps: { readonly oneProcess: number; readonly natsHop: number };
  /** natsHop / oneProcess frames/s. */
  readonly fpsRatio: number;
  readonly roles: readonly RoleSummary[];
  /**
   * The hop's CPU per frame. publish: ingest − one process (the ingest node is the one-process
   * pipeline with the nats sink instead of the discard sink). receive: the worker's whole CPU (it
   * only receives from NATS and discards). total: ingest + worker − one process. nats-server is
   * given apart. `pairedPublish` is the median over rounds of ingest − one process within a round.
   */
  readonly hopCostMsPerFrame: {
    readonly publish: number;
    readonly pairedPublish: number;
    readonly receive: number;
    readonly total: number;
    readonly natsServer: number;
  };
  /** (ingest + worker) / one process: how many times the CPU per frame of one process the split pipeline costs, nats-server aside. */
  readonly cpuRatio: number;
  /** Publish and receive costs each below {@link targetMsPerSide}. */
  readonly targetMet: boolean;
}

function summariseRole(passes: readonly HopPassResult[], role: HopRole): RoleSummary {
  const figures = passes.flatMap((pass) => pass.roles.filter((figure) => figure.role === role));
  return {
    role,
    cpuMsPerFrame: round(median(figures.map((figure) => figure.cpuMsPerFrame))),
    cpuMsPerFrameByRound: figures.map((figure) => figure.cpuMsPerFrame),
    mainThreadMsPerFrame: round(median(figures.map((figure) => figure.mainThreadMsPerFrame))),
    cpuPercent: round(median(figures.map((figure) => figure.cpuPercent)), 1),
    peakRssMiB: round(Math.max(...figures.map((figure) => figure.peakRssMiB)), 1),
  };
}

/** Medians over rounds, the hop's cost per side and the verdict. */
export function summariseHop(passes: readonly HopPassResult[]): HopSummary {
  const oneProcessPasses = passes.filter((pass) => pass.candidate === "one-process");
  const hopPasses = passes.filter((pass) => pass.candidate === "nats-hop");
  const roles = (["one-process", "ingest", "worker", "nats-server"] as const).map((role) =>
    summariseRole(passes, role),
  );
  const cost = (role: HopRole) => roles.find((summary) => summary.role === role)!.cpuMsPerFrame;
  const roleIn = (pass: HopPassResult | undefined, role: HopRole) =>
    pass?.roles.find((figure) => figure.role === role)?.cpuMsPerFrame ?? Number.NaN;
  const rounds = [...new Set(passes.map((pass) => pass.round))];
  const pairedPublish = median(
    rounds.map(
      (index) =>
        roleIn(
          hopPasses.find((pass) => pass.round === index),
          "ingest",
        ) -
        roleIn(
          oneProcessPasses.find((pass) => pass.round === index),
          "one-process",
        ),
    ),
  );
  const oneProcessFps = median(oneProcessPasses.map((pass) => pass.fps.delivered));
  const hopFps = median(hopPasses.map((pass) => pass.fps.delivered));
  const publish = cost("ingest") - cost("one-process");
  const receive = cost("worker");
  return {
    deliveredFps: { oneProcess: round(oneProcessFps, 1), natsHop: round(hopFps, 1) },
    fpsRatio: round(hopFps / oneProcessFps),
    roles,
    hopCostMsPerFrame: {
      publish: round(publish),
      pairedPublish: round(pairedPublish),
      receive: round(receive),
      total: round(cost("ingest") + cost("worker") - cost("one-process")),
      natsServer: cost("nats-server"),
    },
    cpuRatio: round((cost("ingest") + cost("worker")) / cost("one-process")),
    targetMet: publish < targetMsPerSide && receive < targetMsPerSide,
  };
}
