/**
 * The framepipe demo (`npm run demo` from the repository root): `framepipe run` on
 * examples/demo/pipeline.yaml fed by the Recall simulator for ~15 s, then where the frames went, the
 * pipeline's summary and the simulator's report. Everything goes to ./demo-output.
 *
 *   tsx examples/demo/run-demo.ts [--duration 15] [--participants 3] [--screenshare 1] [--output demo-output]
 *
 * Exits 0 when every frame the simulator sent was written, 1 otherwise.
 */
import { runDemo } from "./src/demo.js";
import { parseDemoOptions } from "./src/demo-options.js";

try {
  const result = await runDemo(parseDemoOptions(process.argv.slice(2)), (text) => console.log(text));
  if (result.problems.length === 0) {
    console.log("\ndemo OK: every frame the simulator sent went through the pipeline and was written.");
  } else {
    console.error(`\ndemo FAILED:\n${result.problems.map((problem) => `  - ${problem}`).join("\n")}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`demo FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
