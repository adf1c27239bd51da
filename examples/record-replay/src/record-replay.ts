import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { officialPlugins } from "@framepipe/cli";
import {
  createConfigError,
  createPipeline,
  type Logger,
  loadPipelineConfig,
  type PipelineSummary,
} from "@framepipe/core";
import { createFakeRecallBot, type FakeRecallBotOptions, type FakeRecallBotReport } from "@framepipe/testing";
import { watchSourceUrl } from "./watch-source-url.js";

/** The example's two configs. */
export const recordConfig = fileURLToPath(new URL("../record.yaml", import.meta.url));
export const replayConfig = fileURLToPath(new URL("../replay.yaml", import.meta.url));

/** The simulated meeting: any option of `createFakeRecallBot` but where to connect. */
export type MeetingOptions = Omit<FakeRecallBotOptions, "url" | "token" | "secret">;

/** What {@link recordMeeting} did. */
export interface RecordResult {
  readonly bot: FakeRecallBotReport;
  /** The recording ids of the simulated bots (one file each). */
  readonly recordingIds: readonly string[];
  /** Files written under the recordings folder. */
  readonly files: readonly string[];
  readonly summary: PipelineSummary;
}

async function loadConfig(file: string, env: Record<string, string | undefined>) {
  // As `framepipe run` does: the official plugins built in, `${VAR}` from `env`.
  const loaded = await loadPipelineConfig(file, { builtins: officialPlugins(), env });
  if (!loaded.ok) throw createConfigError(loaded.problems);
  return loaded.config;
}

/**
 * Step 1: runs record.yaml (websocket → record, gzip) on a free port, sends it a simulated
 * meeting, and stops it once the bot has left, which closes the recording files.
 */
export async function recordMeeting(options: {
  readonly recordingsDir: string;
  readonly meeting?: MeetingOptions;
  readonly logger?: Logger;
}): Promise<RecordResult> {
  const token = "record-replay-example-token";
  const watcher = watchSourceUrl(options.logger);
  const config = await loadConfig(recordConfig, {
    ...process.env,
    FRAMEPIPE_TOKEN: token,
    FRAMEPIPE_PORT: "0",
    RECORDINGS_DIR: options.recordingsDir,
  });
  const pipeline = await createPipeline(config, { logger: watcher.logger });
  await pipeline.start();
  const url = watcher.url();
  if (url === null) throw new Error("record.yaml's websocket source did not report where it listens");
  const bot = createFakeRecallBot({ rate: "max", ...options.meeting, url, token });
  const report = await bot.run();
  const summary = await pipeline.stop({ reason: "meeting recorded" });
  return {
    bot: report,
    recordingIds: bot.identities.map((identity) => identity.recordingId),
    files: (await readdir(options.recordingsDir)).sort(),
    summary,
  };
}

/**
 * Step 2: runs replay.yaml (replay at `speed: max` → fs) over the recordings folder and waits
 * until the pipeline stops by itself, after the last line of the last file.
 */
export async function replayRecordings(options: {
  readonly recordingsDir: string;
  readonly framesDir: string;
  readonly logger?: Logger;
}): Promise<PipelineSummary> {
  const config = await loadConfig(replayConfig, {
    ...process.env,
    RECORDINGS_DIR: options.recordingsDir,
    FRAMES_DIR: options.framesDir,
  });
  const pipeline = await createPipeline(config, options.logger ? { logger: options.logger } : {});
  await pipeline.start();
  return pipeline.done;
}

/** Both steps, into `<outputDir>/recordings` and `<outputDir>/frames`. */
export async function recordThenReplay(options: {
  readonly outputDir: string;
  readonly meeting?: MeetingOptions;
  readonly logger?: Logger;
}): Promise<{ readonly recorded: RecordResult; readonly replayed: PipelineSummary; readonly framesDir: string }> {
  const recordingsDir = join(options.outputDir, "recordings");
  const framesDir = join(options.outputDir, "frames");
  const logger = options.logger ? { logger: options.logger } : {};
  const recorded = await recordMeeting({
    recordingsDir,
    ...logger,
    ...(options.meeting ? { meeting: options.meeting } : {}),
  });
  const replayed = await replayRecordings({ recordingsDir, framesDir, ...logger });
  return { recorded, replayed, framesDir };
}
