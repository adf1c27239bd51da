import { connect, DiscardPolicy, nanos, RetentionPolicy, StorageType } from "nats";

/**
 * Deletes the JetStream streams `names` (with their consumers and messages) on the server at
 * `url`; a stream that does not exist is fine. Benchmarks give every pass a stream of its own and
 * delete it afterwards, so that passes never see each other's messages and the store stays small.
 */
export async function deleteStreams(url: string, names: readonly string[]): Promise<void> {
  const connection = await connect({ servers: url, name: "framepipe-bench-cleanup" });
  try {
    const manager = await connection.jetstreamManager();
    for (const name of names) {
      await manager.streams.delete(name).catch((error: unknown) => {
        if (!/not found/i.test(String(error))) throw error;
      });
    }
  } finally {
    await connection.close();
  }
}

/**
 * Creates the stream `name` capturing `<subjectPrefix>.>` in memory storage, otherwise as the
 * `nats` sink creates its own (workqueue retention, discard new, a 2-minute duplicate window).
 * The sink uses a stream that exists, so this measures the same pipeline without JetStream's file
 * store.
 */
export async function createMemoryStream(url: string, name: string, subjectPrefix: string): Promise<void> {
  const connection = await connect({ servers: url, name: "framepipe-bench-setup" });
  try {
    const manager = await connection.jetstreamManager();
    await manager.streams.add({
      name,
      subjects: [`${subjectPrefix}.>`],
      storage: StorageType.Memory,
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.New,
      duplicate_window: nanos(120_000),
    });
  } finally {
    await connection.close();
  }
}
