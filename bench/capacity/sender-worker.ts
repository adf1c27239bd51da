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
import { addCounts } from "./sender-counts.js";

/** A fleet to run: one bot per start offset, `participants` each, `screenshare` of whom share a screen. */
export interface FleetPlan {
  readonly url: string;
  readonly token: string;
  /**
   * When each bot of this worker connects, in milliseconds after the request. Staggered starts
   * let the receiver warm up under a growing load, and give the bots different phases within
   * Recall's 500 ms tick, as bots of different meetings have.
   */
  readonly startOffsetsMs: readonly number[];
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
  | { readonly id: number; readonly type: "stopped"; readonly count: SenderCount }
  | { readonly id: number; readonly type: "failed"; readonly message: string };

/** Four distinct images per stream: two seconds of motion at 2 fps before they repeat. */
const library = new FrameLibrary({ framesPerStream: 4 });
let fleets: FakeRecallBot[] = [];
let timers: NodeJS.Timeout[] = [];

const reply = (response: SenderResponse): void => {
  process.send?.(response);
};

function countOf(reports: readonly FakeRecallBotReport[]): SenderCount {
  return addCounts(reports.map((report) => report.totals));
}

/**
 * Renders every image the plan needs (so that no bot waits for a render), then starts one bot per
 * offset; resolves with each bot's connection time (epoch ms) once all are connected.
 */
async function start(plan: FleetPlan): Promise<number[]> {
  const participants = Array.from({ length: plan.participants }, (_, index) => ({ participantId: index + 1 }));
  await library.prepare(participants, ["webcam"]);
  await library.prepare(participants.slice(0, plan.screenshare), ["screenshare"]);
  const requested = Date.now();
  return new Promise((resolve, reject) => {
    const connectedAt: number[] = [];
    const onEvent = (event: FakeRecallBotEvent): void => {
      if (event.type === "connected") {
        connectedAt.push(Date.now());
        if (connectedAt.length === plan.startOffsetsMs.length) resolve(connectedAt);
      } else if (event.type === "rejected" || event.type === "connect-failed" || event.type === "gave-up") {
        reject(new Error(`bot ${event.bot}: ${event.type}`));
      }
    };
    timers = plan.startOffsetsMs.map((offset) =>
      setTimeout(
        () => {
          const fleet = createFakeRecallBot({
            url: plan.url,
            token: plan.token,
            participants: plan.participants,
            screenshare: plan.screenshare,
            duration: plan.duration,
            rate: "realtime",
            // Rendered above; the library serves the same image to every bot with this participant id.
            images: ({ participantId, type, counter }) => library.png({ participantId, type, counter }),
            // A receiver that falls over ends the step; retrying for 90 s would only hide it.
            reconnectAttempts: 0,
            onEvent,
          });
          fleets.push(fleet);
          fleet.run().catch(reject);
        },
        Math.max(0, requested + offset - Date.now()),
      ),
    );
  });
}

async function stopAll(): Promise<SenderCount> {
  for (const timer of timers) clearTimeout(timer);
  timers = [];
  const reports = await Promise.all(fleets.map((fleet) => fleet.stop()));
  fleets = [];
  return countOf(reports);
}

async function handle(request: SenderRequest): Promise<void> {
  switch (request.type) {
    case "start":
      await stopAll();
      reply({ id: request.id, type: "started", connectedAt: await start(request.plan) });
      return;
    case "count":
      reply({ id: request.id, type: "counted", count: countOf(fleets.map((fleet) => fleet.report())) });
      return;
    case "stop":
      reply({ id: request.id, type: "stopped", count: await stopAll() });
      return;
    case "exit":
      process.exit(0);
  }
}

process.on("message", (request: SenderRequest) => {
  handle(request).catch((error: unknown) => {
    reply({ id: request.id, type: "failed", message: error instanceof Error ? error.message : String(error) });
  });
});
