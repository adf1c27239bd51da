/** Options of {@link starterPipeline}. */
export interface StarterPipelineOptions {
  /** The schema file as the YAML file refers to it (`./framepipe.schema.json`); null when none is written. */
  readonly schemaReference: string | null;
  /** The pipeline file as the user names it on the command line (`pipeline.yaml`). */
  readonly fileName: string;
}

/**
 * The commented starter pipeline `framepipe init` writes: the websocket source Recall connects to,
 * a resize to 320×180 JPEG thumbnails, the fs sink, and every runtime, api and log default shown
 * commented out. The token comes from the environment, never from the file.
 */
export function starterPipeline(options: StarterPipelineOptions): string {
  const schemaLine =
    options.schemaReference === null
      ? '# Editor completion: run `framepipe schema -o framepipe.schema.json` and make the first line of this\n# file a comment naming it (docs/configuration.md, "Editor completion").'
      : `# yaml-language-server: $schema=${options.schemaReference}`;
  const file = options.fileName;
  return `${schemaLine}
#
# A framepipe pipeline: Recall.ai bots connect to the websocket source, every frame becomes a
# 320×180 JPEG thumbnail, and thumbnails are written under ./frames, one folder per recording,
# participant and stream type. Every option: \`framepipe plugins\`, or docs/config-reference.md.
#
#   export FRAMEPIPE_TOKEN=$(openssl rand -hex 16)
#   framepipe validate ${file}
#   framepipe run ${file}
#   framepipe simulate ws://127.0.0.1:8080/recall/ --token "$FRAMEPIPE_TOKEN" --participants 3   # a fake Recall bot
#
# A real bot's realtime endpoint URL is wss://<your host>/recall/?token=<FRAMEPIPE_TOKEN>: keep the
# "/" before "?" (Recall refuses the URL without it), and put a TLS proxy or tunnel in front (wss://).
version: 1

sources:
  recall:
    type: websocket
    port: 8080
    path: /recall/
    # host: 0.0.0.0                # default 127.0.0.1: only a local proxy or tunnel can connect
    token: \${FRAMEPIPE_TOKEN:?set FRAMEPIPE_TOKEN to the token of the bot's realtime endpoint URL}
    # secret: \${RECALL_VERIFICATION_SECRET}   # or/and the workspace whsec_… secret (signed upgrades)

transforms:
  thumbs:
    type: resize
    inputs: [recall]
    width: 320
    height: 180
    format: jpeg
    # fit: cover                   # exactly 320×180, cropped; the default (inside) keeps the whole picture

sinks:
  disk:
    type: fs
    inputs: [thumbs]
    dir: ./frames # relative to the folder you run framepipe in
    path: "{recording.id}/{participant.id}-{type}/{seq}.{ext}"
    manifest: true # a manifest.ndjson per stream, listing its frames
    # onError: drop                # drop | dead-letter (set runtime.deadLetterDir) | fail

# The defaults, for reference: uncomment a section to change it.
# runtime:
#   queue: 64                      # frames buffered per participant stream before overflow applies
#   overflow: block                # block (lossless, slows the bot) | drop-oldest (freshest) | drop-newest
#   maxInFlightBytes: 256MiB       # frame bytes in flight, all participants together
#   concurrency: 8                 # frames processed at once, all participants together
#   idleTimeout: 120s              # a participant without frames for this long is finalised
#   shutdownTimeout: 30s           # how long SIGINT/SIGTERM may drain before stopping hard
#   deadLetterDir: null            # folder for frames of components with onError: dead-letter
# api:
#   port: 9464                     # /metrics, /health, /ready; null turns the API off
#   host: 127.0.0.1
# log:
#   level: info                    # trace | debug | info | warn | error | fatal | silent
# plugins: ["./my-transform.ts"]   # your own plugins: framepipe new plugin transform my-transform
`;
}
