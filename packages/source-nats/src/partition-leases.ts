import { hostname } from "node:os";
import type { Logger } from "@framepipe/core/plugin";
import { type KV, type NatsConnection, StorageType } from "nats";

/** What the lease keeper asks of the source when ownership changes. */
export interface LeaseHooks {
  /** This worker now owns the partition: start consuming it. */
  readonly acquired: (partition: number) => Promise<void>;
  /**
   * This worker gives the partition back (another worker joined): stop pulling, let the held
   * frames finish, end its participants' groups. The lease is deleted once this resolves.
   */
  readonly releasing: (partition: number) => Promise<void>;
  /** The lease was lost (expired, taken): stop consuming at once, without waiting for anything. */
  readonly lost: (partition: number) => void;
}

/** Settings of a {@link PartitionLeases}. */
export interface LeaseSettings {
  /** KV bucket holding the leases, shared by the workers of one pool. */
  readonly bucket: string;
  readonly partitions: number;
  /** How long a lease outlives its owner's last renewal (the bucket's TTL), in milliseconds. */
  readonly ttl: number;
  readonly logger: Logger;
}

const workerKeyPrefix = "workers.";

/** JetStream refused a write because the key changed since the revision given (err_code 10071). */
function isWrongRevision(error: unknown): boolean {
  const failure = error as { api_error?: { err_code?: number } };
  return failure.api_error?.err_code === 10071 || /wrong last sequence/i.test(String(error));
}
const partitionKey = (partition: number) => `partitions.${partition}`;

/** A worker id safe as a KV key token: host name, process id and a random part. */
export function createWorkerId(): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9_-]/g, "_")
      .slice(0, 48) || "host";
  return `${host}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Partition ownership through a JetStream key-value bucket: one key per partition holding its
 * owner's worker id, one key per live worker. Every TTL/4 a worker renews its keys (an `update`
 * at the revision it holds, so a lease someone else took is noticed, never overwritten), counts
 * the live workers and aims at `ceil(partitions / workers)` partitions: it claims free ones
 * (`create`, which fails when the key exists) and gives surplus ones back one at a time, after
 * draining them. A worker that dies stops renewing; the bucket's TTL deletes its keys and the
 * others claim its partitions.
 */
export class PartitionLeases {
  readonly workerId = createWorkerId();
  readonly #settings: LeaseSettings;
  readonly #hooks: LeaseHooks;
  #kv: KV | undefined;
  /** Owned partitions and the revision of their key. */
  readonly #owned = new Map<number, number>();
  /** Partitions being given back: still renewed until their drain ends. */
  readonly #releasing = new Set<number>();
  /** Drains in progress, so that stop() waits for them too. */
  readonly #releases = new Map<number, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(settings: LeaseSettings, hooks: LeaseHooks) {
    this.#settings = settings;
    this.#hooks = hooks;
  }

  /** The partitions this worker owns now, ascending. */
  get owned(): number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  /** Opens (or creates) the bucket, announces the worker and makes the first claims. */
  async start(connection: NatsConnection): Promise<void> {
    const kv = await connection.jetstream().views.kv(this.#settings.bucket, {
      ttl: this.#settings.ttl,
      history: 1,
      storage: StorageType.File,
    });
    this.#kv = kv;
    const status = await kv.status();
    if (status.ttl !== this.#settings.ttl) {
      this.#settings.logger.warn(
        { bucket: this.#settings.bucket, bucketTtl: status.ttl, leaseTtl: this.#settings.ttl },
        "the lease bucket exists with another TTL: its TTL applies (give every worker the same leaseTtl)",
      );
    }
    const interval = Math.max(250, Math.floor((status.ttl || this.#settings.ttl) / 4));
    await this.#run();
    this.#timer = setInterval(() => {
      this.#tick = this.#tick.then(() => this.#run());
    }, interval);
    this.#timer.unref();
  }

  /**
   * Stops taking part: gives every owned partition back (each drained through `releasing`) and
   * removes the worker's key, so the others take over at once rather than after the TTL.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#tick;
    await Promise.all(this.owned.map((partition) => this.#release(partition)));
    await Promise.all(this.#releases.values());
    await this.#kv?.delete(`${workerKeyPrefix}${this.workerId}`).catch(() => undefined);
  }

  async #run(): Promise<void> {
    if (this.#stopped || this.#kv === undefined) return;
    try {
      await this.#renew(this.#kv);
      const keys = await this.#liveKeys(this.#kv);
      const workers = Math.max(1, keys.filter((key) => key.startsWith(workerKeyPrefix)).length);
      const target = Math.ceil(this.#settings.partitions / workers);
      const kept = this.#owned.size - this.#releasing.size;
      if (kept > target) {
        // One at a time: the drain takes a while, and the count may change meanwhile.
        const surplus = this.owned.filter((partition) => !this.#releasing.has(partition)).at(-1);
        if (surplus !== undefined) void this.#release(surplus);
      } else if (kept < target) {
        await this.#claim(this.#kv, keys, target - kept);
      }
    } catch (error) {
      // NATS away for a moment: leases are kept while renewals succeed within the TTL.
      this.#settings.logger.warn({ error: (error as Error).message }, "partition lease round failed; retrying");
    }
  }

  async #renew(kv: KV): Promise<void> {
    await kv.put(`${workerKeyPrefix}${this.workerId}`, this.workerId);
    for (const [partition, revision] of [...this.#owned]) {
      try {
        this.#owned.set(partition, await kv.update(partitionKey(partition), this.workerId, revision));
      } catch (error) {
        if (!isWrongRevision(error)) throw error;
        // Expired (this worker stalled past the TTL) and maybe claimed by another: stop at once.
        this.#owned.delete(partition);
        this.#releasing.delete(partition);
        this.#settings.logger.warn({ partition }, "partition lease lost: another worker may own it now; stopped it");
        this.#hooks.lost(partition);
      }
    }
  }

  async #liveKeys(kv: KV): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    return keys;
  }

  async #claim(kv: KV, keys: readonly string[], wanted: number): Promise<void> {
    const taken = new Set(keys);
    // Start at a place of this worker's own, so workers starting together try different keys.
    const offset = Number.parseInt(this.workerId.slice(-6), 36) % this.#settings.partitions;
    for (let step = 0; step < this.#settings.partitions && wanted > 0; step += 1) {
      const partition = (offset + step) % this.#settings.partitions;
      if (this.#owned.has(partition) || taken.has(partitionKey(partition))) continue;
      let revision: number;
      try {
        revision = await kv.create(partitionKey(partition), this.workerId);
      } catch {
        continue; // claimed by another worker since the listing
      }
      this.#owned.set(partition, revision);
      wanted -= 1;
      try {
        await this.#hooks.acquired(partition);
        this.#settings.logger.info({ partition, worker: this.workerId }, "partition claimed");
      } catch (error) {
        this.#settings.logger.error(
          { partition, error: (error as Error).message },
          "cannot consume a claimed partition",
        );
        this.#owned.delete(partition);
        await kv.delete(partitionKey(partition), { previousSeq: revision }).catch(() => undefined);
      }
    }
  }

  #release(partition: number): Promise<void> {
    const running = this.#releases.get(partition);
    if (running !== undefined) return running;
    if (!this.#owned.has(partition)) return Promise.resolve();
    this.#releasing.add(partition);
    const release = this.#drainAndDelete(partition).finally(() => this.#releases.delete(partition));
    this.#releases.set(partition, release);
    return release;
  }

  async #drainAndDelete(partition: number): Promise<void> {
    try {
      await this.#hooks.releasing(partition);
    } finally {
      // A renewal in progress would change the revision under the delete.
      await this.#tick;
      const revision = this.#owned.get(partition);
      this.#owned.delete(partition);
      this.#releasing.delete(partition);
      if (revision !== undefined) {
        await this.#kv?.delete(partitionKey(partition), { previousSeq: revision }).catch(() => undefined);
        this.#settings.logger.info({ partition, worker: this.workerId }, "partition given back");
      }
    }
  }
}
