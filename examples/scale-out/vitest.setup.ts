/**
 * vitest globalSetup of the example-scale-out project: sink-nats's, so the example's test
 * (`*.integration.test.ts`) gets a nats-server of this project's own (scripts/nats/start.sh,
 * JetStream, max_payload 8 MB), stopped afterwards.
 */
export { default } from "../../packages/sink-nats/vitest.setup.js";
