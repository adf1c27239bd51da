/**
 * vitest globalSetup of the sink-video project: the sink-s3 project's own setup, which starts a
 * real Ceph radosgw on 127.0.0.1 with scripts/radosgw/start.sh when the run includes
 * `*.integration.test.ts` files (the upload tests), and hands its address to the tests.
 */
export { default } from "../sink-s3/vitest.setup.js";
