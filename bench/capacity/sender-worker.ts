/**
 * A sender process of the capacity benchmark (forked by sender-pool.ts): plays a fleet of fake
 * Recall bots with `createFakeRecallBot` at Recall's real pace (`rate: "realtime"`, 2 fps per
 * stream). Its frames come from one FrameLibrary kept for the life of the process, rendered and
 * base64-encoded once, so steps after the first pay no rendering. It runs apart from the receiver
 * so that its CPU is not charged to the receiver's process (both still share the machine's cores).
 *
 * Protocol over IPC, every request carrying an `id` that its reply repeats:
 * start → started, count → counted, stop → stopped, exit.
 */
import {
  createFakeRecallBot,
  type FakeRecallBot,
  type FakeRecallBotEvent,
  type FakeRecallBotReport,
  FrameLibrary,
} from "@framepipe/testing";

/** A fleet to run: `bots` connections of `participants` each, `screenshare` of whom share a screen. */
export interface FleetPlan {
  readonly url: string;
  readonly token: string;
  readonly bots: number;
  readonly participants: number;
  readonly screenshare: number;
  /** Seconds of meeting; the step stops the fleet before it ends. */
  readonly duration: number;
}

/** What the parent asks for. */
export type SenderRequestBody =
  | { readonly type: "start"; readonly plan: FleetPlan }
  | { readonly type: "count" }
  | { readonly type: "stop" }
  | { readonly type: "exit" };

/** A request of the parent, with the id its reply repeats. */
export type SenderRequest = SenderRequestBody & { readonly id: number };

/** What the fleet has sent so far. */
export interface SenderCount {
  readonly framesSent: number;
  readonly bytesSent: number;
  readonly backpressureWaits: number;
  readonly skippedFrames: number;
  readonly lostMessages: number;
}

/** Replies of the sender. */
export type SenderResponse =
  | { readonly id: number; readonly type: "started"; readonly connectedAt: readonly number[] }
  | { readonly id: number; readonly type: "counted"; readonly count: SenderCount }
  | { readonly id: number; readonly type: "stopped"; readonly count: SenderCount; readonly outcome: string }
  | { readonly id: number; readonly type: "failed"; readonly message: string };

/** Four distinct images per stream: two seconds of motion at 2 fps before they repeat. */
const library = new FrameLibrary({ framesPerStream: 4 });
let fleet: FakeRecallBot | null = null;
const emptyCount: SenderCount = {
  framesSent: 0,
  bytesSent: 0,
  backpressureWaits: 0,
  skippedFrames: 0,
  lostMessages: 0,
};

const reply = (response: SenderResponse): void => {
  process.send?.(response);
};

function countOf(report: FakeRecallBotReport): SenderCount {
  const { framesSent, bytesSent, backpressureWaits, skippedFrames, lostMessages } = report.totals;
  return { framesSent, bytesSent, backpressureWaits, skippedFrames, lostMessages };
}

/** Starts the fleet and resolves with each bot's connection time (epoch ms) once all are connected. */
function start(plan: FleetPlan): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const connectedAt: number[] = [];
    const onEvent = (event: FakeRecallBotEvent): void => {
      if (event.type === "connected") {
        connectedAt.push(Date.now());
        if (connectedAt.length === plan.bots) resolve(connectedAt);
      } else if (event.type === "rejected" || event.type === "connect-failed" || event.type === "gave-up") {
        reject(new Error(`bot ${event.bot}: ${event.type}`));
      }
    };
    fleet = createFakeRecallBot({
      url: plan.url,
      token: plan.token,
      bots: plan.bots,
      participants: plan.participants,
      screenshare: plan.screenshare,
      duration: plan.duration,
      rate: "realtime",
      library,
      // A receiver that falls over ends the step; retrying for 90 s would only hide it.
      reconnectAttempts: 0,
      onEvent,
    });
    fleet.run().catch(reject);
  });
}

async function handle(request: SenderRequest): Promise<void> {
  switch (request.type) {
    case "start":
      if (fleet) await fleet.stop();
      reply({ id: request.id, type: "started", connectedAt: await start(request.plan) });
      return;
    case "count":
      reply({ id: request.id, type: "counted", count: fleet ? countOf(fleet.report()) : emptyCount });
      return;
    case "stop": {
      const report = fleet ? await fleet.stop() : null;
      fleet = null;
      reply({
        id: request.id,
        type: "stopped",
        count: report ? countOf(report) : emptyCount,
        outcome: report?.outcome ?? "none",
      });
      return;
    }
    case "exit":
      process.exit(0);
  }
}

process.on("message", (request: SenderRequest) => {
  handle(request).catch((error: unknown) => {
    reply({ id: request.id, type: "failed", message: error instanceof Error ? error.message : String(error) });
  });
});
