import { readdir, readFile } from "node:fs/promises";

/** Linux clock ticks per second (`getconf CLK_TCK`), 100 on every common kernel build. */
const clockTicksPerSecond = 100;

/** CPU seconds (user + system, every thread) a process has used since it started. */
export function processCpuSeconds(pid: number): Promise<number> {
  return cpuSecondsOf(`/proc/${pid}/stat`);
}

/**
 * CPU seconds of a process's main thread (the event loop) since it started. The rest of
 * {@link processCpuSeconds} is spent by libuv's thread pool (sharp, fs) and V8's helper threads
 * (garbage collection, compilation), which Node 20 does not name apart.
 */
export function mainThreadCpuSeconds(pid: number): Promise<number> {
  return cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`);
}

async function cpuSecondsOf(statFile: string): Promise<number> {
  const stat = await readFile(statFile, "utf8");
  // The command name may hold spaces or parentheses: fields are counted after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name, field 3 (state) is index 0: utime (14) and stime (15) are indexes 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** Resident memory of a process now and its peak since it started (VmHWM), in bytes. */
export async function processMemory(pid: number): Promise<{ rssBytes: number; peakRssBytes: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kibibytes = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rssBytes: kibibytes("VmRSS"), peakRssBytes: kibibytes("VmHWM") };
}

/** Busy and total CPU seconds of the whole machine, all cores together (from /proc/stat). */
export async function machineCpuSeconds(): Promise<{ busy: number; total: number }> {
  const stat = await readFile("/proc/stat", "utf8");
  const line = stat.slice(0, stat.indexOf("\n"));
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle, iowait and steal (4th, 5th and 8th values) are not work done on this machine.
  const idle = (values[3] ?? 0) + (values[4] ?? 0) + (values[7] ?? 0);
  return { busy: (total - idle) / clockTicksPerSecond, total: total / clockTicksPerSecond };
}

/** CPU seconds of a process that may have exited already (then null). */
export async function tryProcessCpuSeconds(pid: number): Promise<number | null> {
  try {
    return await processCpuSeconds(pid);
  } catch {
    return null;
  }
}

/** Percent of one core the whole machine was busy over the next `milliseconds` (200% = both cores of two). */
export async function machineBusyPercent(milliseconds: number): Promise<number> {
  const before = await machineCpuSeconds();
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
  const after = await machineCpuSeconds();
  return (100 * (after.busy - before.busy)) / (milliseconds / 1000);
}

/**
 * Waits, at most `maxWaitMs`, until the machine is nearly idle (under `thresholdPercent` of one
 * core over 2 s): other work on a shared machine would otherwise decide a step. Resolves with
 * the seconds waited and the last busy figure.
 */
export async function waitForQuietMachine(
  thresholdPercent: number,
  maxWaitMs: number,
): Promise<{ waitedSeconds: number; busyPercent: number }> {
  const started = Date.now();
  let busyPercent = await machineBusyPercent(2000);
  while (busyPercent >= thresholdPercent && Date.now() - started < maxWaitMs) {
    busyPercent = await machineBusyPercent(2000);
  }
  return { waitedSeconds: Math.round((Date.now() - started) / 1000), busyPercent: Math.round(busyPercent) };
}

/** Ids of every process below `pid` (children, grandchildren, …), from /proc; empty when it has none. */
export async function descendantPids(pid: number): Promise<number[]> {
  const found: number[] = [];
  const visit = async (parent: number): Promise<void> => {
    const tasks = await readdir(`/proc/${parent}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const children = await readFile(`/proc/${parent}/task/${task}/children`, "utf8").catch(() => "");
      for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        found.push(child);
        await visit(child);
      }
    }
  };
  await visit(pid);
  return found;
}

/**
 * CPU seconds of a process and everything it started: its own, its reaped children's (cutime,
 * cstime) and those of its descendants still running (the video receivers' ffmpeg encoders).
 * For a process without children it equals {@link processCpuSeconds}.
 */
export async function processTreeCpuSeconds(pid: number): Promise<number> {
  const withChildren = async (id: number): Promise<number> => {
    const stat = await readFile(`/proc/${id}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime: indexes 11 to 14 after the name.
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / clockTicksPerSecond;
  };
  const own = await withChildren(pid);
  const descendants = await Promise.all((await descendantPids(pid)).map((id) => withChildren(id).catch(() => 0)));
  return descendants.reduce((sum, seconds) => sum + seconds, own);
}

/** Resident memory of the processes below `pid` together (its encoders), in bytes. */
export async function descendantsRssBytes(pid: number): Promise<number> {
  const sizes = await Promise.all(
    (await descendantPids(pid)).map((id) =>
      processMemory(id).then(
        (memory) => memory.rssBytes,
        () => 0,
      ),
    ),
  );
  return sizes.reduce((sum, bytes) => sum + bytes, 0);
}
