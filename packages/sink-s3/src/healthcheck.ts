import { HeadBucketCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type { FramepipeError } from "@framepipe/core/plugin";
import { classifyS3Error, type S3CallSite, s3SinkError } from "./s3-errors.js";

const hints: Readonly<Record<string, string>> = {
  AccessDenied: "HeadBucket needs the s3:ListBucket permission; with write-only credentials set healthcheck: false",
};

/**
 * Checks that the bucket exists and the credentials reach it (`HeadBucket`), so a misconfigured
 * sink fails when the pipeline is created instead of on every frame. Throws a `FramepipeError`
 * naming the bucket and endpoint: bucket missing, access denied, unknown key or wrong secret,
 * endpoint unreachable.
 */
export async function checkBucket(
  client: S3Client,
  site: Omit<S3CallSite, "operation" | "stage" | "hints">,
  signal?: AbortSignal,
): Promise<void> {
  const options = signal === undefined ? {} : { abortSignal: signal };
  try {
    await client.send(new HeadBucketCommand({ Bucket: site.bucket }), options);
    return;
  } catch (error) {
    let cause: unknown = error;
    const failure = classifyS3Error(error, "bucket");
    // HEAD answers carry no body, so a 403 cannot tell a wrong key from a missing permission:
    // one listing request (which has a body) names the exact S3 error code.
    if (failure.status === 403 || failure.status === 400) {
      try {
        await client.send(new ListObjectsV2Command({ Bucket: site.bucket, MaxKeys: 1 }), options);
      } catch (detailed) {
        if (classifyS3Error(detailed, "bucket").status === failure.status) cause = detailed;
      }
    }
    throw healthcheckError(cause, site);
  }
}

function healthcheckError(error: unknown, site: Omit<S3CallSite, "operation" | "stage" | "hints">): FramepipeError {
  return s3SinkError(error, { ...site, operation: "HeadBucket (healthcheck)", stage: "create", hints });
}
