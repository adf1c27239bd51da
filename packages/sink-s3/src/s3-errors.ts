import type { ErrorStage } from "@framepipe/core";
import { FramepipeError } from "@framepipe/core/plugin";

/** What kind of failure an S3 call had; bounded, so it may label a metric. */
export type S3FailureKind = "throttled" | "server" | "network" | "timeout" | "aborted" | "client";

/** An S3 failure, classified. */
export interface S3Failure {
  readonly kind: S3FailureKind;
  /** Worth retrying with backoff: throttling, 5xx, timeouts, refused or reset connections. */
  readonly transient: boolean;
  /** S3 error code (`SlowDown`, `NoSuchBucket`) or network error code (`ECONNRESET`), when known. */
  readonly code: string | undefined;
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** What went wrong, in words, with a hint; never contains credentials. */
  readonly reason: string;
}

const throttlingCodes = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequests",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "ServiceUnavailable",
]);

/** S3 answers these with a 4xx status, yet a retry may well succeed. */
const transientClientCodes = new Set(["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"]);

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EADDRNOTAVAIL",
  "UND_ERR_SOCKET",
  "ERR_HTTP2_STREAM_ERROR",
]);

const networkReasons: Readonly<Record<string, string>> = {
  ECONNREFUSED:
    "the endpoint is unreachable (connection refused): is the server running, and are endpoint and port right?",
  ECONNRESET: "the connection was reset",
  EPIPE: "the connection was closed while sending",
  ETIMEDOUT: "the connection timed out",
  ENOTFOUND: "the endpoint's host name was not found: check endpoint and region",
  EAI_AGAIN: "the endpoint's host name could not be resolved right now",
  EHOSTUNREACH: "the endpoint's host is unreachable",
  ENETUNREACH: "the network is unreachable",
};

/**
 * Fixed texts for the client errors users meet most (the SDK's own wording is vaguer): what
 * happened, and what to check. The code and HTTP status go between them.
 */
const clientReasons: Readonly<Record<string, readonly [string, string?]>> = {
  NoSuchBucket: ["the bucket does not exist", "create it, or check the bucket name and endpoint"],
  AccessDenied: ["access denied", "the credentials are not allowed to do this on the bucket"],
  InvalidAccessKeyId: ["the access key id is not known to the server", "check the credentials"],
  SignatureDoesNotMatch: ["the request signature does not match", "check the secret access key and the region"],
  ExpiredToken: ["the session token has expired", "refresh the credentials"],
  TokenRefreshRequired: ["the session token has expired", "refresh the credentials"],
  InvalidToken: ["the session token is invalid", "check the credentials"],
  RequestTimeTooSkewed: ["this machine's clock differs too much from the server's", "synchronise the clock"],
  PermanentRedirect: ["the bucket must be addressed through another endpoint", "check region and endpoint"],
  AuthorizationHeaderMalformed: ["the request was signed for another region", "check region"],
  CredentialsProviderError: [
    "no credentials were found",
    "set credentials in the sink's options, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile) for the SDK",
  ],
  InvalidStorageClass: ["the storage class is not supported by this store", "check storageClass"],
  EntityTooLarge: ["the object is larger than the store accepts"],
};

interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === "object" && error !== null ? (error as ErrorShape) : {};
}

/** The network error code of an error, looking into `cause` and `AggregateError.errors` (happy eyeballs). */
function networkCodeOf(error: unknown, depth = 0): string | undefined {
  const shape = shapeOf(error);
  if (typeof shape.code === "string" && networkCodes.has(shape.code)) return shape.code;
  if (depth >= 3) return undefined;
  if (Array.isArray(shape.errors)) {
    for (const inner of shape.errors) {
      const code = networkCodeOf(inner, depth + 1);
      if (code) return code;
    }
  }
  return shape.cause === undefined ? undefined : networkCodeOf(shape.cause, depth + 1);
}

function statusOf(shape: ErrorShape): number | undefined {
  const status = shape.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** The S3 error code: `Code` from the XML body, else the SDK's error name when it is one. */
function s3CodeOf(shape: ErrorShape): string | undefined {
  if (typeof shape.Code === "string" && shape.Code !== "") return shape.Code;
  const name = typeof shape.name === "string" ? shape.name : undefined;
  if (name === undefined || name === "Error" || name === "Unknown" || name === "UnknownError") return undefined;
  return name;
}

/** `what (Code, HTTP 403): hint`, leaving out what is unknown. */
function withDetail(reason: string, code: string | undefined, status: number | undefined, hint?: string): string {
  const detail = [code, status === undefined ? undefined : `HTTP ${status}`].filter(Boolean).join(", ");
  const described = detail === "" ? reason : `${reason} (${detail})`;
  return hint === undefined ? described : `${described}: ${hint}`;
}

function knownReason(name: string, code: string | undefined, status: number | undefined): string {
  const [text, hint] = clientReasons[name] ?? [name];
  return withDetail(text, code, status, hint);
}

function describeOther(shape: ErrorShape, code: string | undefined, status: number | undefined): string {
  const message = typeof shape.message === "string" ? shape.message.trim() : "";
  const useful = message !== "" && message !== "UnknownError" && message !== code;
  if (status === 404) return withDetail("not found", code, status);
  if (status === 403) return knownReason("AccessDenied", code, status);
  return withDetail(useful ? message : "the request failed", code, status);
}

/**
 * Classifies an error thrown by the S3 client. Throttling (SlowDown, 429, 503), other 5xx
 * answers, timeouts and network errors (refused, reset) are transient: the framework retries
 * them with backoff. Every other 4xx (AccessDenied, NoSuchBucket, InvalidAccessKeyId,
 * SignatureDoesNotMatch, …) and unknown errors are not, and get a reason that says what to check.
 *
 * @param subject Whether the call addressed the bucket itself (HeadBucket), where a bare 404
 *   means the bucket is missing, or an object.
 */
export function classifyS3Error(error: unknown, subject: "bucket" | "object" = "object"): S3Failure {
  const shape = shapeOf(error);
  const status = statusOf(shape);
  const code = s3CodeOf(shape);
  if (code === "AbortError" || (error instanceof Error && error.name === "AbortError")) {
    return {
      kind: "aborted",
      transient: false,
      code,
      status,
      reason: "the request was aborted (the pipeline is stopping)",
    };
  }
  if ((code !== undefined && throttlingCodes.has(code)) || status === 429 || status === 503) {
    return {
      kind: "throttled",
      transient: true,
      code,
      status,
      reason: withDetail("the store is throttling requests", code, status),
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      kind: "server",
      transient: true,
      code,
      status,
      reason: withDetail("the store answered with a server error", code, status),
    };
  }
  if ((code !== undefined && transientClientCodes.has(code)) || status === 408) {
    return {
      kind: "timeout",
      transient: true,
      code,
      status,
      reason: withDetail("the store timed the request out", code, status),
    };
  }
  const network = status === undefined ? networkCodeOf(error) : undefined;
  if (network !== undefined) {
    const reason = networkReasons[network] ?? `network error (${network})`;
    return { kind: "network", transient: true, code: network, status, reason };
  }
  if (code === "TimeoutError" || code === "RequestTimeout") {
    return { kind: "timeout", transient: true, code, status, reason: "the request timed out" };
  }
  // HEAD answers have no body: a bare 404 or 403 on the bucket is all there is to go on.
  if (subject === "bucket" && status === 404 && (code === undefined || code === "NotFound")) {
    return {
      kind: "client",
      transient: false,
      code: "NoSuchBucket",
      status,
      reason: knownReason("NoSuchBucket", undefined, status),
    };
  }
  if (subject === "bucket" && status === 403 && (code === undefined || code === "Forbidden")) {
    return {
      kind: "client",
      transient: false,
      code: "AccessDenied",
      status,
      reason: knownReason("AccessDenied", undefined, status),
    };
  }
  const reason =
    code !== undefined && clientReasons[code] !== undefined
      ? knownReason(code, code, status)
      : describeOther(shape, code, status);
  return { kind: "client", transient: false, code, status, reason };
}

/** Where a failing call went, for messages: never credentials. */
export interface S3CallSite {
  /** `sink:s3#<id>`: the plugin context's `label`. */
  readonly component: string;
  readonly stage: ErrorStage;
  /** `PutObject "rec/1-webcam/000001.png"`, `HeadBucket`. */
  readonly operation: string;
  readonly bucket: string;
  /** `http://127.0.0.1:7480`, `AWS S3 (us-east-1)`, `the S3 client passed as a service`. */
  readonly endpoint: string;
  /** Values that must never appear in a message (the configured credentials). */
  readonly secrets: readonly string[];
  /** Extra advice by S3 error code, appended to the reason (`AccessDenied` → "…"). */
  readonly hints?: Readonly<Record<string, string>>;
}

/** The configured credential values, which no message may contain. */
export function secretsOf(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined } | undefined,
): string[] {
  if (credentials === undefined) return [];
  return [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken ?? ""].filter(
    (value) => value !== "",
  );
}

function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const value of secrets) if (value.length > 0) result = result.split(value).join("[redacted]");
  return result;
}

/**
 * Wraps an S3 client error into a {@link FramepipeError} naming the operation, bucket and
 * endpoint, with the classified reason; transient when a retry may succeed. The original error
 * stays as `cause`.
 */
export function s3SinkError(error: unknown, site: S3CallSite): FramepipeError {
  const failure = classifyS3Error(error, site.operation.startsWith("HeadBucket") ? "bucket" : "object");
  const hint = failure.code === undefined ? undefined : site.hints?.[failure.code];
  const reason = hint === undefined ? failure.reason : `${failure.reason}; ${hint}`;
  const message = `${site.operation} in bucket "${site.bucket}" at ${site.endpoint} failed: ${reason}`;
  return new FramepipeError({
    code: "SINK_WRITE_FAILED",
    component: site.component,
    stage: site.stage,
    message: redact(message, site.secrets),
    cause: error,
    transient: failure.transient,
  });
}
