export default async () => ({
  version: 1,
  sources: { recall: { type: "websocket" } },
  sinks: { disk: { type: "fs", inputs: ["recall"], dir: "./frames" } },
});
