/**
 * Runs the example app: `FRAMEPIPE_TOKEN=… PORT=3000 pnpm start`, then point a Recall bot (or
 * `pnpm framepipe simulate ws://127.0.0.1:3000/recall/ --token …`) at it and open
 * http://127.0.0.1:3000/participants.
 */
import { createLogger } from "@framepipe/core";
import { createFrameServer } from "./app.js";

const token = process.env.FRAMEPIPE_TOKEN;
if (!token) {
  console.error("set FRAMEPIPE_TOKEN to the token in your bot's realtime endpoint URL (?token=…)");
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const frameServer = await createFrameServer({ token, logger: createLogger({ level: "info", pretty: "auto" }) });
const address = await frameServer.listen(port, process.env.HOST ?? "127.0.0.1");
const base = `http://${address.address}:${address.port}`;
console.log(`app:    ${base}/hello, ${base}/participants, ${base}/participants/<id>/latest.png`);
console.log(`recall: ws://${address.address}:${address.port}/recall/?token=…`);

let stopping = false;
const stop = async () => {
  if (stopping) process.exit(1);
  stopping = true;
  const summary = await frameServer.close();
  console.log(`stopped: ${summary.received} frames received`);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
