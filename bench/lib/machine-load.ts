import { loadavg } from "node:os";

/** 1-minute load averages when a benchmark started and ended: how busy the shared machine was. */
export interface MachineLoad {
  readonly start: number;
  readonly end: number;
}

/** Notes the load average now; call the returned function at the end for both figures. */
export function watchMachineLoad(): () => MachineLoad {
  const start = loadavg()[0] ?? 0;
  return () => ({ start: Number(start.toFixed(2)), end: Number((loadavg()[0] ?? 0).toFixed(2)) });
}
