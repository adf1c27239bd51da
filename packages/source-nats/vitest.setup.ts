/**
 * vitest globalSetup of the source-nats project: the same as sink-nats's (a nats-server of this
 * project's own, started with scripts/nats/start.sh when the run includes integration tests).
 */
export { default } from "../sink-nats/vitest.setup.js";
