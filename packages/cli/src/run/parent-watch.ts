// Why this file exists. `pnpm framepipe run …`, `npm run framepipe -- run …` and `npx framepipe
// run …` start framepipe through `sh -c`. Sent SIGTERM, a package manager passes the signal on to
// its child, that shell, which dies without passing it further; the package manager then exits
// and framepipe is left running, adopted by init or a subreaper, still listening, never draining
// and never printing its summary (issue 12, item 10). The repository's script `exec`s Node, so pnpm
// and npm signal framepipe itself, but npx (whose command line we do not write), a script without
// `exec` elsewhere, or a package manager killed with SIGKILL still orphan it. A process cannot be
// told that its parent died on every platform (Linux's PR_SET_PDEATHSIG is not reachable from
// Node), but it can notice that its parent process id changed: then whoever started it is gone and
// no signal will come, so `framepipe run` drains exactly as on SIGTERM.

/** How often `framepipe run` checks its parent process id: a drain starts within this after the parent died. */
export const PARENT_CHECK_INTERVAL_MS = 500;

/**
 * True when a package manager started this process: npm, pnpm and yarn set `npm_lifecycle_event`
 * for every script they run (npx sets it to `npx`), and `npm_config_user_agent` also for
 * `pnpm exec`. Only then does {@link watchParent} apply: a `framepipe run` started on purpose by a
 * parent that exits (`framepipe run … &` in a script, a daemonizing wrapper) must keep running.
 */
export function startedByPackageManager(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.npm_lifecycle_event) || Boolean(env.npm_config_user_agent);
}

/** Options of {@link watchParent}. */
export interface ParentWatchOptions {
  /** Called once, when the parent process id changed: the process that started this one exited. */
  readonly onParentExit: (change: { readonly parent: number; readonly now: number }) => void;
  /** Default {@link PARENT_CHECK_INTERVAL_MS}. */
  readonly intervalMs?: number;
  /** The current parent process id. Default `process.ppid` (read afresh on each call). */
  readonly parentPid?: () => number;
}

/**
 * Checks the parent process id every `intervalMs` on an unref'd timer (it never keeps the process
 * alive, and costs one `getppid(2)` per check) and calls `onParentExit` once when it changed.
 * Returns the function that stops watching.
 */
export function watchParent(options: ParentWatchOptions): () => void {
  const parentPid = options.parentPid ?? (() => process.ppid);
  const parent = parentPid();
  const timer = setInterval(() => {
    const now = parentPid();
    if (now === parent) return;
    clearInterval(timer);
    options.onParentExit({ parent, now });
  }, options.intervalMs ?? PARENT_CHECK_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
