import type { SchedulerLike, Subscription } from "rxjs";
import type { Clock, TimerHandle } from "../runtime/clock.js";

/**
 * The {@link Clock} of an RxJS scheduler: its `now()` and its scheduled actions. Lets the shared
 * group tracker time idle groups on `asyncScheduler`, or in virtual time on a `TestScheduler`.
 * Like RxJS's own `debounceTime`, it reads `scheduler.now()` to re-arm for the time left.
 */
export function schedulerClock(scheduler: SchedulerLike): Clock {
  return {
    now: () => scheduler.now(),
    setTimeout: (callback: () => void, milliseconds: number): TimerHandle =>
      scheduler.schedule(() => callback(), milliseconds),
    clearTimeout: (handle: TimerHandle) => (handle as Subscription).unsubscribe(),
  };
}
