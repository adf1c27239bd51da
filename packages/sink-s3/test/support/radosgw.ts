import { randomUUID } from "node:crypto";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { inject } from "vitest";
import type { RadosgwInfo } from "./radosgw-info.js";

/** Connection details of the test radosgw. */
export type RadosgwConnection = Exclude<RadosgwInfo, { error: string }>;

/**
 * The radosgw started by `vitest.setup.ts` (the project's globalSetup). Throws a clear error when
 * it is not there, so integration tests fail (never skip) on a machine without Ceph.
 */
export function radosgw(): RadosgwConnection {
  const info = inject("radosgw") as RadosgwInfo | undefined;
  if (info === undefined) {
    throw new Error(
      "[sink-s3 tests] no radosgw: packages/sink-s3/vitest.setup.ts must be the sink-s3 project's globalSetup " +
        "(see the root vitest.config.ts)",
    );
  }
  if ("error" in info) {
    throw new Error(`[sink-s3 tests] radosgw is not available, so the S3 integration tests cannot run.\n${info.error}`);
  }
  return info;
}

/** Sink options that reach the test radosgw directly. */
export function radosgwOptions(connection: RadosgwConnection, bucket: string) {
  return {
    bucket,
    endpoint: connection.endpoint,
    region: connection.region,
    credentials: { accessKeyId: connection.accessKeyId, secretAccessKey: connection.secretAccessKey },
  };
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

/** An object's bytes, or null when it does not exist. */
export async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer | null> {
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await answer.Body?.transformToByteArray()) ?? new Uint8Array());
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchKey") return null;
    throw error;
  }
}

/** HeadObject of a key. */
export function headObject(client: S3Client, bucket: string, key: string): Promise<HeadObjectCommandOutput> {
  return client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

/** Every key in a bucket (under `prefix`), in the store's (lexicographic) order. */
export async function listKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}
