import { inject } from "vitest";
import type { NatsInfo } from "../../vitest.setup.js";

/** The test nats-server. */
export type NatsServer = Exclude<NatsInfo, { error: string }>;

/**
 * The nats-server started by `vitest.setup.ts` (the project's globalSetup). Throws a clear error
 * when it is not there, so integration tests fail (never skip) on a machine without nats-server.
 */
export function natsServer(): NatsServer {
  const info = inject("nats") as NatsInfo | undefined;
  if (info === undefined) {
    throw new Error("[nats tests] no nats-server: vitest.setup.ts must be the project's globalSetup");
  }
  if ("error" in info) throw new Error(`[nats tests] nats-server is not available.\n${info.error}`);
  return info;
}
