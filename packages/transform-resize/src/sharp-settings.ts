import sharp from "sharp";

let configured = false;

/**
 * Turns off libvips' operation cache, once per process. The cache only pays off when the same
 * image is processed again; every video frame is new, so it would only hold up to 50 MB of
 * stale results. These settings are process-wide: they also apply to other sharp users in an
 * app that embeds framepipe. `sharp.concurrency()` and `UV_THREADPOOL_SIZE` are left alone on
 * purpose (docs/decisions/0005-sharp-threading.md): parallelism comes from the runtime keeping
 * several frames in flight.
 */
export function configureSharpForFrames(): void {
  if (configured) return;
  configured = true;
  sharp.cache(false);
}
