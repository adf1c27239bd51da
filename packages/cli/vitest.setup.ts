/**
 * vitest globalSetup of the cli project: sink-nats's, so the scale-out end-to-end tests
 * (`*.integration.test.ts`) get a nats-server of this project's own; a run without integration
 * tests starts nothing.
 */
export { default } from "../sink-nats/vitest.setup.js";
