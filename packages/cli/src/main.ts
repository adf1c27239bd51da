import { ignoreClosedOutput } from "./closed-output.js";
import { runCli } from "./program.js";

ignoreClosedOutput();
process.exitCode = await runCli(process.argv.slice(2));
