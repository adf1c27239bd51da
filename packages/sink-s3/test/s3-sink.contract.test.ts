import { sinkContract } from "@framepipe/testing";
import { describe, expect, it } from "vitest";
import s3Sink from "../src/s3-sink.js";
import { FakeS3Client } from "./support/fake-s3-client.js";
import { createFakeSink } from "./support/fake-sink.js";

// The contract against an in-memory client: fast, and run on every change. The same suite runs
// against a real radosgw in s3-sink.integration.test.ts.
const client = new FakeS3Client("contract");

sinkContract({
  it,
  describe,
  expect,
  name: "sink contract (s3, in-memory client)",
  definition: s3Sink,
  validOptions: { bucket: "contract", key: "{recording.id}/{participant.id}/{type}/{seq}.{ext}" },
  create: async () =>
    (await createFakeSink({ key: "{recording.id}/{participant.id}/{type}/{seq}.{ext}" }, client)).sink,
  readBack: async (frame) => {
    const key = `${frame.recording.id}/${frame.participant.id}/${frame.type}/${String(frame.seq).padStart(6, "0")}.png`;
    return client.objects.get(key)?.body ?? null;
  },
});
