import { type S3Client, S3ServiceException } from "@aws-sdk/client-s3";

/** One call the fake received: the command's class name (`PutObjectCommand`) and its input. */
export interface FakeCall {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** What a stored object looks like in the fake. */
export interface FakeObject {
  readonly body: Buffer;
  readonly input: Record<string, unknown>;
}

/**
 * Runs before the fake handles a call: throw to fail it, return a promise to hold it (the fake
 * answers once it settles).
 */
export type BeforeSend = (call: FakeCall) => Promise<void> | void;

/** An S3 service error as the SDK raises it: `name`/`Code`, HTTP status and fault. */
export function s3ServiceError(name: string, status: number, message = name): S3ServiceException {
  const error = new S3ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
    message,
  });
  return Object.assign(error, status === 404 && name === "NotFound" ? {} : { Code: name });
}

/** A Node network error, as the SDK's HTTP handler rejects with. */
export function networkError(code: string, message = `connect ${code} 127.0.0.1:7480`): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * An in-memory stand-in for `S3Client`, passed to the sink as the `s3Client` service. It answers
 * HeadBucket, HeadObject, PutObject and GetObject for one bucket, records every call, counts concurrent
 * calls, and lets a test hold or fail calls through `beforeSend`.
 */
export class FakeS3Client {
  readonly bucket: string;
  readonly objects = new Map<string, FakeObject>();
  readonly calls: FakeCall[] = [];
  beforeSend: BeforeSend | undefined;
  destroyed = false;
  #active = 0;
  #maxActive = 0;

  constructor(bucket = "frames") {
    this.bucket = bucket;
  }

  /** Most calls that were running at the same time. */
  get maxConcurrent(): number {
    return this.#maxActive;
  }

  /** Calls running now. */
  get active(): number {
    return this.#active;
  }

  /** This fake typed as the SDK client, for `services: { s3Client }`. */
  asClient(): S3Client {
    return this as unknown as S3Client;
  }

  /** Calls of one command, e.g. `PutObjectCommand`. */
  callsOf(command: string): FakeCall[] {
    return this.calls.filter((call) => call.command === command);
  }

  async send(command: { input: Record<string, unknown>; constructor: { name: string } }): Promise<unknown> {
    const call: FakeCall = { command: command.constructor.name, input: command.input };
    this.calls.push(call);
    this.#active += 1;
    this.#maxActive = Math.max(this.#maxActive, this.#active);
    try {
      await this.beforeSend?.(call);
      return this.#answer(call);
    } finally {
      this.#active -= 1;
    }
  }

  destroy(): void {
    this.destroyed = true;
  }

  #answer(call: FakeCall): unknown {
    const input = call.input;
    if (input.Bucket !== this.bucket)
      throw s3ServiceError(call.command === "HeadBucketCommand" ? "NotFound" : "NoSuchBucket", 404);
    const metadata = { httpStatusCode: 200 };
    switch (call.command) {
      case "HeadBucketCommand":
        return { $metadata: metadata };
      case "PutObjectCommand": {
        const body = input.Body;
        const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body as Uint8Array);
        this.objects.set(String(input.Key), { body: bytes, input });
        return { $metadata: metadata, ETag: '"fake"' };
      }
      case "HeadObjectCommand":
        if (!this.objects.has(String(input.Key))) throw s3ServiceError("NotFound", 404);
        return { $metadata: metadata };
      case "GetObjectCommand": {
        const stored = this.objects.get(String(input.Key));
        if (!stored) throw s3ServiceError("NoSuchKey", 404);
        return { $metadata: metadata, Body: { transformToString: async () => stored.body.toString("utf8") } };
      }
      default:
        throw new Error(`FakeS3Client does not implement ${call.command}`);
    }
  }
}
