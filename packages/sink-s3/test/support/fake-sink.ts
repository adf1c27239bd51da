import { createTestContext } from "@framepipe/testing";
import type { S3FrameSink } from "../../src/s3-frame-sink.js";
import s3Sink from "../../src/s3-sink.js";
import type { S3SinkOptionsInput } from "../../src/s3-sink-options.js";
import { FakeS3Client } from "./fake-s3-client.js";

/** An `s3` sink (component id `archive`) writing to a {@link FakeS3Client} passed as the service. */
export async function createFakeSink(
  settings: Partial<S3SinkOptionsInput> & { readonly concurrency?: number } = {},
  client: FakeS3Client = new FakeS3Client(),
): Promise<{ sink: S3FrameSink; client: FakeS3Client }> {
  const { concurrency = s3Sink.concurrency, ...options } = settings;
  const parsed = s3Sink.options.parse({ bucket: client.bucket, ...options });
  const context = createTestContext<typeof s3Sink.deps>({
    kind: "sink",
    type: "s3",
    componentId: "archive",
    concurrency,
    services: { s3Client: client.asClient() },
  });
  const sink = (await s3Sink.create(parsed, context)) as S3FrameSink;
  return { sink, client };
}
