/**
 * `pnpm start`: the analyzer on port 3000 (or $PORT), waiting for a Recall bot with the token in
 * $FRAMEPIPE_TOKEN. `pnpm demo` (`--simulate`): the analyzer on a free port and a simulated
 * meeting of three participants, two sharing screens, for 6 seconds. Descriptions come from the
 * stub in describe-screen.ts: no LLM is called.
 */
import { randomBytes } from "node:crypto";
import { createLogger } from "@framepipe/core";
import { createFakeRecallBot } from "@framepipe/testing";
import { createStubDescriber } from "./describe-screen.js";
import { createScreenAnalyzer } from "./screen-analyzer.js";

const simulate = process.argv.includes("--simulate");
const token = process.env.FRAMEPIPE_TOKEN ?? (simulate ? randomBytes(16).toString("hex") : undefined);
if (!token) {
  console.error("set FRAMEPIPE_TOKEN to the token in your bot's realtime endpoint URL (?token=…)");
  process.exit(1);
}

const analyzer = await createScreenAnalyzer({
  token,
  describeScreen: createStubDescriber().describeScreen,
  onDescription: (description) => console.log(description),
  logger: createLogger({ level: "warn", pretty: "auto" }),
});
const address = await analyzer.listen(simulate ? 0 : Number(process.env.PORT ?? 3000), process.env.HOST);
const url = `ws://${address.address}:${address.port}/recall/`;
console.log(`waiting for Recall at ${url}?token=…`);

if (simulate) {
  const report = await createFakeRecallBot({ url, token, participants: 3, screenshare: 2, duration: 6 }).run();
  const summary = await analyzer.close();
  console.log(
    `simulated meeting ${report.outcome}: ${summary.received} frames received, ${summary.written.llm ?? 0} described`,
  );
} else {
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    const summary = await analyzer.close();
    console.log(`stopped: ${summary.received} frames received, ${summary.written.llm ?? 0} described`);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}
