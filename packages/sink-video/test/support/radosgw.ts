import { randomUUID } from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { inject } from "vitest";

/** How tests reach the radosgw the global setup (sink-s3's) started, or why it is not there. */
type RadosgwInfo =
  | {
      readonly endpoint: string;
      readonly region: string;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
    }
  | { readonly error: string };

/** Connection details of the test radosgw. */
export type RadosgwConnection = Exclude<RadosgwInfo, { error: string }>;

/** The radosgw of this run; throws (never skips) when it could not start. */
export function radosgw(): RadosgwConnection {
  const info = (inject as (key: string) => unknown)("radosgw") as RadosgwInfo | undefined;
  if (info === undefined)
    throw new Error("[sink-video tests] no radosgw: vitest.setup.ts must be the project's globalSetup");
  if ("error" in info) throw new Error(`[sink-video tests] radosgw is not available.\n${info.error}`);
  return info;
}

/** A client of the test radosgw for setting up and reading back (not the sink's). */
export function adminClient(connection: RadosgwConnection): S3Client {
  return new S3Client({
    region: connection.region,
    endpoint: connection.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Creates a bucket with a unique name and returns the name. */
export async function createBucket(client: S3Client, label: string): Promise<string> {
  const bucket = `${label}-${randomUUID().slice(0, 8)}`.toLowerCase();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
