import {
  type GroupInfo,
  groupKeyOf,
  type SinkDefinition,
  type SinkInstance,
  type StreamInfo,
  streamKeyOf,
  streamKeyOfFrame,
  type VideoFrame,
  withImage,
} from "@framepipe/core";
import { createTestFrame, createTestStream } from "../frame-factory.js";
import { renderFrame } from "../realistic-png.js";
import { createTestContext } from "../test-context.js";
import {
  type ContractAssert,
  type ContractCheck,
  type ContractCheckResult,
  type ExpectLike,
  registerChecks,
  runChecks,
  type SuiteRunner,
  uniqueRecordingId,
} from "./contract-kit.js";
import { definitionChecks } from "./definition-checks.js";

type Awaitable<T> = T | Promise<T>;

/** The fields that identify a frame's place in its stream. */
export type FrameIdentity = Pick<VideoFrame, "recording" | "participant" | "type" | "seq">;

/** The sink under test. Give `create`, or `definition` (plus `validOptions`) to create it from. */
export interface SinkContractSubject {
  /** A fresh instance per check. Default: `definition.create(validOptions, createTestContext())`. */
  readonly create?: () => Awaitable<SinkInstance>;
  readonly definition?: SinkDefinition;
  /** Options the definition's schema accepts. Default `{}`. */
  readonly validOptions?: unknown;
  /** Reads back the bytes stored for a frame after `close()`; `null` when nothing is stored for it. */
  readonly readBack?: (frame: VideoFrame) => Promise<Buffer | null>;
  /**
   * Frames the sink delivered, in delivery order (for sinks where order is observable: a queue, a
   * log, an in-memory list). Checks filter it to their own recording ids.
   */
  readonly delivered?: () => Awaitable<readonly FrameIdentity[]>;
}

/** Options of {@link sinkContract}. */
export interface SinkContractOptions extends SinkContractSubject, SuiteRunner {}

async function createSink(subject: SinkContractSubject): Promise<SinkInstance> {
  if (subject.create) return subject.create();
  const definition = subject.definition;
  if (!definition) throw new TypeError("[framepipe] sink contract needs create() or a definition");
  const options = definition.options.parse(subject.validOptions ?? {});
  return definition.create(
    options,
    createTestContext({ kind: "sink", type: definition.type, componentId: "contract" }),
  );
}

function streamInfoOf(frame: VideoFrame): StreamInfo {
  return {
    key: streamKeyOfFrame(frame),
    groupKey: groupKeyOf(frame.recording.id, frame.participant.id),
    recordingId: frame.recording.id,
    participantId: frame.participant.id,
    type: frame.type,
  };
}

function groupInfoOf(frame: VideoFrame, reason: GroupInfo["reason"]): GroupInfo {
  return {
    key: groupKeyOf(frame.recording.id, frame.participant.id),
    recordingId: frame.recording.id,
    participantId: frame.participant.id,
    reason,
  };
}

function seqByStream(frames: readonly FrameIdentity[]): Record<string, number[]> {
  const byStream: Record<string, number[]> = {};
  for (const frame of frames) {
    const key = streamKeyOf(frame.recording.id, frame.participant.id, frame.type);
    byStream[key] = [...(byStream[key] ?? []), frame.seq];
  }
  return byStream;
}

/** Verifies, when the subject can tell, that every frame arrived intact and in per-stream order. */
async function verifyStored(subject: SinkContractSubject, written: readonly VideoFrame[], assert: ContractAssert) {
  if (subject.delivered) {
    const recordings = new Set(written.map((frame) => frame.recording.id));
    const delivered = (await subject.delivered()).filter((frame) => recordings.has(frame.recording.id));
    assert.deepEqual(seqByStream(delivered), seqByStream(written), "delivered frames per stream (seq, in order)");
  }
  if (subject.readBack) {
    for (const frame of written) {
      const stored = await subject.readBack(frame);
      const label = `frame seq ${frame.seq} of ${streamKeyOfFrame(frame)}`;
      assert.ok(stored !== null, `${label} was not found by readBack`);
      assert.ok(
        stored.equals(frame.image.data),
        `${label} reads back different bytes (${stored.length} bytes, wrote ${frame.image.data.length})`,
      );
    }
  }
}

async function writeSequentially(sink: SinkInstance, frames: readonly VideoFrame[]): Promise<void> {
  for (const frame of frames) await sink.write(frame);
}

/** Writes every stream sequentially and the streams concurrently, as the runtime does. */
async function writeStreamsConcurrently(sink: SinkInstance, frames: readonly VideoFrame[]): Promise<void> {
  const streams = new Map<string, VideoFrame[]>();
  for (const frame of frames) {
    const key = streamKeyOfFrame(frame);
    streams.set(key, [...(streams.get(key) ?? []), frame]);
  }
  await Promise.all([...streams.values()].map((stream) => writeSequentially(sink, stream)));
}

async function finish(sink: SinkInstance, frames: readonly VideoFrame[]): Promise<void> {
  const streams = new Map(frames.map((frame) => [streamKeyOfFrame(frame), frame]));
  for (const frame of streams.values()) await sink.endStream?.(streamInfoOf(frame));
  const groups = new Map(frames.map((frame) => [groupInfoOf(frame, "leave").key, frame]));
  for (const frame of groups.values()) await sink.endGroup?.(groupInfoOf(frame, "leave"));
  await sink.flush?.();
  await sink.close?.();
}

const sinkSpecificChecks: ReadonlyArray<ContractCheck<SinkContractSubject>> = [
  {
    name: "close right after create is safe",
    async run(subject) {
      const sink = await createSink(subject);
      await sink.close?.();
    },
  },
  {
    name: "writes one frame",
    async run(subject, assert: ContractAssert) {
      const sink = await createSink(subject);
      assert.equal(typeof sink.write, "function", "sink.write must be a function");
      const frame = createTestFrame({ recording: { id: uniqueRecordingId("one") } });
      await sink.write(frame);
      await finish(sink, [frame]);
      await verifyStored(subject, [frame], assert);
    },
  },
  {
    name: "writes the frames of one stream in order",
    async run(subject, assert: ContractAssert) {
      const sink = await createSink(subject);
      const frames = createTestStream({
        participants: 1,
        frames: 12,
        base: { recording: { id: uniqueRecordingId("order") } },
      });
      await writeSequentially(sink, frames);
      await finish(sink, frames);
      await verifyStored(subject, frames, assert);
    },
  },
  {
    name: "writes many frames of several participants and both types concurrently",
    async run(subject, assert: ContractAssert) {
      const sink = await createSink(subject);
      const frames = createTestStream({
        participants: 4,
        types: ["webcam", "screenshare"],
        frames: 6,
        base: { recording: { id: uniqueRecordingId("many") } },
      });
      await writeStreamsConcurrently(sink, frames);
      await finish(sink, frames);
      await verifyStored(subject, frames, assert);
    },
  },
  {
    name: "writes a realistic 1280×720 screenshare frame",
    async run(subject, assert: ContractAssert) {
      const sink = await createSink(subject);
      const base = createTestFrame({ recording: { id: uniqueRecordingId("large") }, type: "screenshare" });
      const png = await renderFrame({ participantId: base.participant.id, type: "screenshare", counter: 1 });
      const frame = withImage(base, { data: png, format: "png", width: 1280, height: 720 });
      await sink.write(frame);
      await finish(sink, [frame]);
      await verifyStored(subject, [frame], assert);
    },
  },
  {
    name: "handles a nameless participant without platform in a recording without bot",
    async run(subject, assert: ContractAssert) {
      const sink = await createSink(subject);
      const frames = createTestStream({
        participants: [{ id: 7, name: null, platform: null, email: null }],
        frames: 2,
        base: { recording: { id: uniqueRecordingId("sparse") }, bot: null },
      });
      await writeSequentially(sink, frames);
      await finish(sink, frames);
      await verifyStored(subject, frames, assert);
    },
  },
  {
    name: "flush before any write, then endStream, endGroup, flush and close are accepted",
    async run(subject) {
      const sink = await createSink(subject);
      await sink.flush?.();
      const frames = createTestStream({
        participants: 2,
        frames: 2,
        base: { recording: { id: uniqueRecordingId("life") } },
      });
      await writeSequentially(sink, frames);
      await sink.flush?.();
      const [first] = frames;
      if (first) await sink.endGroup?.(groupInfoOf(first, "shutdown"));
      await finish(sink, frames);
    },
  },
  {
    name: "close may be called twice",
    async run(subject) {
      const sink = await createSink(subject);
      const frame = createTestFrame({ recording: { id: uniqueRecordingId("close") } });
      await sink.write(frame);
      await finish(sink, [frame]);
      await sink.close?.();
    },
  },
  {
    name: "never mutates the frames it is given",
    async run(subject, assert: ContractAssert) {
      const sink = await createSink(subject);
      const frames = createTestStream({
        participants: 2,
        types: ["webcam", "screenshare"],
        frames: 3,
        base: { recording: { id: uniqueRecordingId("mutation") } },
      });
      const copies = frames.map((frame) => Buffer.from(frame.image.data));
      await writeStreamsConcurrently(sink, frames);
      await finish(sink, frames);
      frames.forEach((frame, index) => {
        assert.ok(
          frame.image.data.equals(copies[index] ?? Buffer.alloc(0)),
          `the image buffer of frame seq ${frame.seq} of ${streamKeyOfFrame(frame)} was modified`,
        );
        assert.ok(Object.isFrozen(frame) && Object.isFrozen(frame.image), "a frame was unfrozen");
      });
    },
  },
];

/** Every check of the sink contract, in order: definition checks (when a definition is given), then behaviour. */
export const sinkChecks: ReadonlyArray<ContractCheck<SinkContractSubject>> = [
  ...definitionChecks<SinkContractSubject>("sink"),
  ...sinkSpecificChecks,
];

/** Runs the sink contract without a test runner; each result says whether its check passed. */
export function runSinkChecks(subject: SinkContractSubject, expect?: ExpectLike): Promise<ContractCheckResult[]> {
  return runChecks(sinkChecks, subject, expect);
}

/**
 * Registers the sink contract as tests, from a plugin's own test file:
 * `sinkContract({ it, describe, expect, definition: fsSink, validOptions: { path }, readBack })`.
 */
export function sinkContract(options: SinkContractOptions): void {
  if (!options.create && !options.definition) {
    throw new TypeError("[framepipe] sinkContract needs create() or a definition");
  }
  const title = options.name ?? `sink contract${options.definition ? ` (${options.definition.type})` : ""}`;
  registerChecks(sinkChecks, options, options, title);
}
