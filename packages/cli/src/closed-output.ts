/**
 * Makes a reader that stops early harmless: `framepipe schema | head -1` closes the pipe while the
 * command still writes, and Node then raises EPIPE as an uncaught error, with a stack trace and
 * exit code 1. Like Unix tools, the command stops writing to that stream quietly and finishes as
 * it would have (`framepipe run` keeps ingesting: losing a log reader must not lose frames).
 */
export function ignoreClosedOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") {
        // Later writes would fail the same way: drop them.
        stream.write = () => true;
        return;
      }
      throw error;
    });
  }
}
