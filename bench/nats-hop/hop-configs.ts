/**
 * The `framepipe run` configs of the NATS-hop benchmark. Every runtime and plugin setting is at
 * its default, as a user would deploy it, but the short shutdown timeout (the drain after a pass
 * is not measured) and the log level.
 */

/** The token the simulated bots present to the websocket source. */
export const hopToken = "bench-nats-hop-token";

/** Component ids, which label the `/metrics` counters the benchmark reads. */
export const hopComponents = { websocket: "recall", nats: "bus", discard: "discard" } as const;

/** One pass's own JetStream names, so passes never see each other's messages. */
export interface HopStreamNames {
  readonly stream: string;
  readonly subjectPrefix: string;
  readonly durable: string;
}

/** The JetStream names of pass `pass` (a short unique tag, letters and digits). */
export function hopStreamNames(pass: string): HopStreamNames {
  return { stream: `BENCH_HOP_${pass}`, subjectPrefix: `bench.hop.${pass}`, durable: `bench-hop-${pass}` };
}

const tail = (apiPort: number, pluginFile?: string): string[] => [
  ...(pluginFile === undefined ? [] : ["plugins:", `  - ${JSON.stringify(pluginFile)}`]),
  "runtime:",
  "  shutdownTimeout: 10s",
  "api:",
  "  host: 127.0.0.1",
  `  port: ${apiPort}`,
  "log:",
  "  level: warn",
  "",
];

const websocketSource = (port: number): string[] => [
  "sources:",
  `  ${hopComponents.websocket}:`,
  "    type: websocket",
  "    host: 127.0.0.1",
  `    port: ${port}`,
  "    path: /recall/",
  `    token: ${hopToken}`,
];

const discardSink = (input: string): string[] => [
  "sinks:",
  `  ${hopComponents.discard}:`,
  "    type: discard",
  `    inputs: [${input}]`,
];

/** One process: websocket → discard. */
export function oneProcessConfig(options: { wsPort: number; apiPort: number; discardPluginFile: string }): string {
  return [
    "version: 1",
    ...websocketSource(options.wsPort),
    ...discardSink(hopComponents.websocket),
    ...tail(options.apiPort, options.discardPluginFile),
  ].join("\n");
}

/** The ingest node: websocket → nats (the sink creates the stream: file storage, workqueue). */
export function ingestConfig(options: {
  wsPort: number;
  apiPort: number;
  natsUrl: string;
  names: HopStreamNames;
}): string {
  return [
    "version: 1",
    ...websocketSource(options.wsPort),
    "sinks:",
    `  ${hopComponents.nats}:`,
    "    type: nats",
    `    inputs: [${hopComponents.websocket}]`,
    `    servers: ${options.natsUrl}`,
    `    stream: ${options.names.stream}`,
    `    subjectPrefix: ${options.names.subjectPrefix}`,
    ...tail(options.apiPort),
  ].join("\n");
}

/** The worker: nats (one durable consumer, every partition) → discard. */
export function workerConfig(options: {
  apiPort: number;
  natsUrl: string;
  names: HopStreamNames;
  discardPluginFile: string;
}): string {
  return [
    "version: 1",
    "sources:",
    `  ${hopComponents.nats}:`,
    "    type: nats",
    `    servers: ${options.natsUrl}`,
    `    stream: ${options.names.stream}`,
    `    subjectPrefix: ${options.names.subjectPrefix}`,
    `    durable: ${options.names.durable}`,
    ...discardSink(hopComponents.nats),
    ...tail(options.apiPort, options.discardPluginFile),
  ].join("\n");
}
