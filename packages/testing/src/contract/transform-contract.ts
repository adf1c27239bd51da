import { isDeepStrictEqual } from "node:util";
import {
  groupKeyOf,
  type StreamInfo,
  streamKeyOfFrame,
  type TransformDefinition,
  type TransformInstance,
  type TransformOutput,
  type VideoFrame,
  withImage,
} from "@framepipe/core";
import { from, lastValueFrom, toArray } from "rxjs";
import sharp from "sharp";
import { createTestFrame, createTestStream } from "../frame-factory.js";
import { renderFrame } from "../realistic-png.js";
import { createStreamControls } from "../stream-controls.js";
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

/** Frame fields a transform may document that it changes (the image may always change). */
export type TransformedField =
  | "recording"
  | "bot"
  | "realtimeEndpoint"
  | "videoSeparate"
  | "participant"
  | "type"
  | "timestamp"
  | "seq"
  | "receivedAt";

const identityFields: readonly TransformedField[] = [
  "recording",
  "bot",
  "realtimeEndpoint",
  "videoSeparate",
  "participant",
  "type",
  "timestamp",
  "seq",
  "receivedAt",
];

/** The transform under test. Give `create`, or `definition` (plus `validOptions`). */
export interface TransformContractSubject {
  /** A fresh instance per check. Default: `definition.create(validOptions, createTestContext())`. */
  readonly create?: () => Awaitable<TransformInstance>;
  readonly definition?: TransformDefinition;
  readonly validOptions?: unknown;
  /** Input frames. Default: 3 participants × webcam and screenshare × 4 frames of 32×24 PNGs. */
  readonly frames?: () => Awaitable<readonly VideoFrame[]>;
  /** Fields the transform documents changing; all others must be kept. Default none. */
  readonly changes?: readonly TransformedField[];
  /** The transform returns exactly one frame per input frame (no drops, no splits). Default false. */
  readonly oneToOne?: boolean;
}

/** Options of {@link transformContract}. */
export interface TransformContractOptions extends TransformContractSubject, SuiteRunner {}

interface TransformRun {
  readonly inputs: readonly VideoFrame[];
  /** Outputs in emission order. */
  readonly outputs: readonly VideoFrame[];
  /** Raw `process` results, to check their shape. */
  readonly results: readonly TransformOutput[];
  /** Drops a per-stream operator reported through its stream controls. */
  readonly reportedDrops: number;
}

async function createTransform(subject: TransformContractSubject): Promise<TransformInstance> {
  if (subject.create) return subject.create();
  const definition = subject.definition;
  if (!definition) throw new TypeError("[framepipe] transform contract needs create() or a definition");
  const options = definition.options.parse(subject.validOptions ?? {});
  return definition.create(
    options,
    createTestContext({ kind: "transform", type: definition.type, componentId: "contract" }),
  );
}

async function inputFrames(subject: TransformContractSubject, check: string): Promise<readonly VideoFrame[]> {
  if (subject.frames) return subject.frames();
  return createTestStream({
    participants: 3,
    types: ["webcam", "screenshare"],
    frames: 4,
    base: { recording: { id: uniqueRecordingId(check) } },
  });
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

/** Feeds frames through a transform as the runtime would: per-frame in order, or one operator per stream. */
async function runTransform(transform: TransformInstance, inputs: readonly VideoFrame[]): Promise<TransformRun> {
  const outputs: VideoFrame[] = [];
  const results: TransformOutput[] = [];
  if (transform.process) {
    for (const frame of inputs) {
      const result = await transform.process(frame);
      results.push(result);
      if (result === null) continue;
      if (Array.isArray(result)) outputs.push(...(result as readonly VideoFrame[]));
      else outputs.push(result as VideoFrame);
    }
    return { inputs, outputs, results, reportedDrops: 0 };
  }
  const controls = createStreamControls();
  const streams = new Map<string, VideoFrame[]>();
  for (const frame of inputs) {
    const key = streamKeyOfFrame(frame);
    streams.set(key, [...(streams.get(key) ?? []), frame]);
  }
  for (const frames of streams.values()) {
    const first = frames[0];
    if (!first) continue;
    outputs.push(
      ...(await lastValueFrom(from(frames).pipe(transform.stream(streamInfoOf(first), controls), toArray()))),
    );
  }
  return { inputs, outputs, results, reportedDrops: controls.reportedDrops };
}

async function runFresh(subject: TransformContractSubject, check: string): Promise<TransformRun> {
  const transform = await createTransform(subject);
  try {
    return await runTransform(transform, await inputFrames(subject, check));
  } finally {
    await transform.close?.();
  }
}

async function assertValidFrame(frame: VideoFrame, assert: ContractAssert, label: string): Promise<void> {
  assert.ok(typeof frame === "object" && frame !== null, `${label} is not a frame`);
  assert.ok(Object.isFrozen(frame), `${label} is not frozen (build it with withImage/freezeFrame)`);
  assert.ok(
    Object.isFrozen(frame.image) && Object.isFrozen(frame.participant),
    `${label}: image or participant not frozen`,
  );
  assert.ok(Buffer.isBuffer(frame.image.data), `${label}: image.data is not a Buffer`);
  assert.ok(typeof frame.image.format === "string" && frame.image.format.length > 0, `${label}: image.format is empty`);
  const { width, height } = frame.image;
  assert.ok(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0, `${label}: bad size`);
  if (["png", "jpeg", "webp", "avif"].includes(frame.image.format)) {
    const metadata = await sharp(frame.image.data).metadata();
    assert.deepEqual(
      { width: metadata.width, height: metadata.height },
      { width, height },
      `${label}: image.width/height differ from the encoded image`,
    );
  }
}

const transformSpecificChecks: ReadonlyArray<ContractCheck<TransformContractSubject>> = [
  {
    name: "has exactly one of process and stream",
    async run(subject, assert: ContractAssert) {
      const transform = await createTransform(subject);
      const hasProcess = typeof transform.process === "function";
      const hasStream = typeof transform.stream === "function";
      await transform.close?.();
      assert.ok(hasProcess !== hasStream, "a transform instance must have exactly one of process() and stream()");
    },
  },
  {
    name: "outputs frozen frames with a consistent image",
    async run(subject, assert: ContractAssert) {
      const run = await runFresh(subject, "valid");
      for (const result of run.results) {
        assert.ok(result === null || typeof result === "object", "process() must return a frame, an array or null");
      }
      for (const [index, frame] of run.outputs.entries()) await assertValidFrame(frame, assert, `output ${index}`);
    },
  },
  {
    name: "never mutates input frames",
    async run(subject, assert: ContractAssert) {
      const transform = await createTransform(subject);
      const inputs = await inputFrames(subject, "mutation");
      const copies = inputs.map((frame) => Buffer.from(frame.image.data));
      await runTransform(transform, inputs);
      await transform.close?.();
      inputs.forEach((frame, index) => {
        assert.ok(
          frame.image.data.equals(copies[index] ?? Buffer.alloc(0)),
          `the image buffer of input seq ${frame.seq} of ${streamKeyOfFrame(frame)} was modified`,
        );
      });
    },
  },
  {
    name: "keeps per-stream order",
    async run(subject, assert: ContractAssert) {
      const run = await runFresh(subject, "order");
      const lastSeq = new Map<string, number>();
      for (const frame of run.outputs) {
        const key = streamKeyOfFrame(frame);
        const previous = lastSeq.get(key) ?? Number.NEGATIVE_INFINITY;
        assert.ok(frame.seq >= previous, `stream ${key}: seq ${frame.seq} came after seq ${previous}`);
        lastSeq.set(key, frame.seq);
      }
    },
  },
  {
    name: "keeps recording, participant, type, seq, timestamps unless documented",
    async run(subject, assert: ContractAssert) {
      const run = await runFresh(subject, "fields");
      const kept = identityFields.filter((field) => !(subject.changes ?? []).includes(field));
      const pick = (frame: VideoFrame): Record<string, unknown> =>
        Object.fromEntries(kept.map((field) => [field, frame[field]]));
      // Pair each output with its input by whatever identity the transform keeps.
      const identity = (frame: VideoFrame): string =>
        JSON.stringify([
          kept.includes("recording") ? frame.recording.id : null,
          kept.includes("participant") ? frame.participant.id : null,
          kept.includes("type") ? frame.type : null,
          kept.includes("seq") ? frame.seq : null,
        ]);
      const inputs = new Map<string, VideoFrame[]>();
      for (const input of run.inputs) inputs.set(identity(input), [...(inputs.get(identity(input)) ?? []), input]);
      for (const [index, output] of run.outputs.entries()) {
        const candidates = inputs.get(identity(output)) ?? [];
        const [first] = candidates;
        assert.ok(first, `output ${index} (seq ${output.seq} of ${streamKeyOfFrame(output)}) matches no input frame`);
        // With part of the identity documented as changing, several inputs may qualify: any will do.
        const match = candidates.find((input) => isDeepStrictEqual(pick(output), pick(input))) ?? first;
        assert.deepEqual(pick(output), pick(match), `output ${index} changed fields it does not document`);
      }
    },
  },
  {
    name: "reports no more drops than the frames it did not emit",
    async run(subject, assert: ContractAssert) {
      const run = await runFresh(subject, "drops");
      const swallowed = Math.max(0, run.inputs.length - run.outputs.length);
      assert.ok(
        run.reportedDrops <= swallowed,
        `stream controls were told of ${run.reportedDrops} dropped frames, but only ${swallowed} of ` +
          `${run.inputs.length} frames did not come out: report a frame only once it cannot come out`,
      );
    },
  },
  {
    name: "returns one frame per input frame",
    appliesTo: (subject) => subject.oneToOne === true,
    async run(subject, assert: ContractAssert) {
      const run = await runFresh(subject, "count");
      assert.equal(run.outputs.length, run.inputs.length, "output count");
    },
  },
  {
    name: "handles a realistic 480×360 webcam frame",
    async run(subject, assert: ContractAssert) {
      const transform = await createTransform(subject);
      const base = createTestFrame({ recording: { id: uniqueRecordingId("realistic") } });
      const png = await renderFrame({ participantId: base.participant.id, counter: 3 });
      const frame = withImage(base, { data: png, format: "png", width: 480, height: 360 });
      const run = await runTransform(transform, [frame]);
      await transform.close?.();
      for (const [index, output] of run.outputs.entries()) await assertValidFrame(output, assert, `output ${index}`);
    },
  },
];

/** Every check of the transform contract: definition checks (when a definition is given), then behaviour. */
export const transformChecks: ReadonlyArray<ContractCheck<TransformContractSubject>> = [
  ...definitionChecks<TransformContractSubject>("transform"),
  ...transformSpecificChecks,
];

/** Runs the transform contract without a test runner. */
export function runTransformChecks(
  subject: TransformContractSubject,
  expect?: ExpectLike,
): Promise<ContractCheckResult[]> {
  return runChecks(transformChecks, subject, expect);
}

/** Registers the transform contract as tests from a plugin's own test file. */
export function transformContract(options: TransformContractOptions): void {
  if (!options.create && !options.definition) {
    throw new TypeError("[framepipe] transformContract needs create() or a definition");
  }
  const title = options.name ?? `transform contract${options.definition ? ` (${options.definition.type})` : ""}`;
  registerChecks(transformChecks, options, options, title);
}
