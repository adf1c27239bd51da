import type { S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3SinkOptions } from "./s3-sink-options.js";

/**
 * Attempts the SDK makes per request, the first one included. The framework retries transient
 * failures with its own backoff (and frees the runtime's concurrency slot meanwhile), so the SDK
 * must not multiply them: with 2 the SDK only absorbs one quick blip, e.g. a reused keep-alive
 * socket the server had just closed.
 */
export const SDK_MAX_ATTEMPTS = 2;

/** Milliseconds to wait for a TCP connection before the request fails (transient). */
export const CONNECTION_TIMEOUT_MS = 10_000;

/** Milliseconds a request may stay silent (no bytes either way) before it fails (transient). */
export const REQUEST_TIMEOUT_MS = 120_000;

/** The `S3Client` configuration the sink uses when no client is passed as a service. */
export function s3ClientConfig(options: S3SinkOptions): S3ClientConfig {
  return {
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    maxAttempts: SDK_MAX_ATTEMPTS,
    // Frames are small Buffers: checksums only where S3 requires them. Newer default checksums
    // (CRC32 trailers) are not understood by every S3-compatible store, and slow multipart uploads.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  };
}

/** Where requests go, for messages: the endpoint URL, AWS S3 and its region, or the injected client. */
export function describeEndpoint(options: S3SinkOptions, injected: boolean): string {
  if (injected) return "the S3 client passed as a service";
  if (options.endpoint !== undefined) {
    // A URL may carry user:password; messages never show it.
    const url = new URL(options.endpoint);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/+$/, "");
  }
  return `AWS S3 (${options.region})`;
}
