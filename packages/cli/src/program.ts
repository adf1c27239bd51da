import { Command, CommanderError } from "commander";
import { type CliOutput, processOutput } from "./cli-output.js";
import { initCommand } from "./commands/init-command.js";
import { newPluginCommand } from "./commands/new-plugin-command.js";
import { pluginsCommand } from "./commands/plugins-command.js";
import { runCommand } from "./commands/run-command.js";
import { schemaCommand } from "./commands/schema-command.js";
import {
  choiceOption,
  integerOption,
  numberOption,
  type SimulateCommandOptions,
  simulateCommand,
} from "./commands/simulate-command.js";
import { validateCommand } from "./commands/validate-command.js";
import { cliVersion } from "./package-info.js";

/**
 * Runs the `framepipe` command line with `argv` (without `node` and the script path) and returns
 * the exit code. Output goes through `output` so tests can capture it in-process.
 */
export async function runCli(argv: readonly string[], output: CliOutput = processOutput): Promise<number> {
  let exitCode = 0;
  const program = new Command("framepipe")
    .description("Run Recall.ai realtime video through pipelines of sources, transforms and sinks.")
    .version(cliVersion, "-v, --version", "print the framepipe version")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (text) => output.out(text), writeErr: (text) => output.error(text) });

  program
    .command("run")
    .description("run a pipeline until SIGINT/SIGTERM or its sources end; print a summary")
    .argument("<config>", "pipeline file (.yaml, .yml, .json, .ts, .mjs)")
    .option("--log-level <level>", "override log.level (trace, debug, info, warn, error, fatal, silent)")
    .option("--no-status", "no live status line, even on a terminal")
    .helpOption("-h, --help", "show help")
    .action(async (config: string, options: { logLevel?: string; status?: boolean }) => {
      exitCode = await runCommand(
        config,
        {
          ...(options.logLevel ? { logLevel: options.logLevel } : {}),
          ...(options.status === false ? { status: false } : {}),
        },
        output,
      );
    });

  program
    .command("validate")
    .description("check a pipeline config; list every problem with file:line:col")
    .argument("<config>", "pipeline file (.yaml, .yml, .json, .ts, .mjs)")
    .helpOption("-h, --help", "show help")
    .action(async (config: string) => {
      exitCode = await validateCommand(config, output);
    });

  program
    .command("schema")
    .description("print the JSON Schema of pipeline files, every known plugin included")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("-c, --config <file>", "also include the plugins this pipeline file lists under plugins:")
    .helpOption("-h, --help", "show help")
    .action(async (options: { output?: string; config?: string }) => {
      exitCode = await schemaCommand(options, output);
    });

  program
    .command("plugins")
    .description("list known plugins with their options")
    .option("--json", "machine-readable output")
    .option("-c, --config <file>", "also include the plugins this pipeline file lists under plugins:")
    .helpOption("-h, --help", "show help")
    .action(async (options: { json?: boolean; config?: string }) => {
      exitCode = await pluginsCommand(options, output);
    });

  program
    .command("simulate")
    .description(
      "fake Recall bots sending a meeting (exact Recall envelopes, realistic frames) to a websocket receiver",
    )
    .argument("<ws-url>", "receiver URL, e.g. ws://127.0.0.1:8080/recall/")
    .option("--participants <n>", "participants per bot", integerOption(1), 2)
    .option("--fps <f>", "frames per second per stream", numberOption(false), 2)
    .option("--duration <s>", "seconds of meeting", numberOption(true), 10)
    .option("--screenshare <k>", "participants per bot also sharing a screen", integerOption(0), 0)
    .option("--bots <b>", "bots, one connection and recording each", integerOption(1), 1)
    .option(
      "--rate <rate>",
      "realtime, or max: as fast as the receiver takes them",
      choiceOption(["realtime", "max"]),
      "realtime",
    )
    .option("--token <token>", "sent as ?token= in the URL")
    .option("--secret <whsec>", "Recall verification secret (whsec_…): signs the upgrade with webhook-* headers")
    .option("--bad <n>", "malformed messages mixed in per bot", integerOption(0), 0)
    .option(
      "--images <kind>",
      "realistic frames (480×360, 1280×720) or tiny test PNGs",
      choiceOption(["realistic", "tiny"]),
      "realistic",
    )
    .helpOption("-h, --help", "show help")
    .action(async (url: string, options: SimulateCommandOptions) => {
      exitCode = await simulateCommand(url, options, output);
    });

  program
    .command("init")
    .description("write a commented starter pipeline (websocket → resize → fs) and its JSON Schema")
    .argument("[file]", "pipeline file to write", "pipeline.yaml")
    .option("--force", "replace the file if it exists")
    .option("--no-schema", "do not write framepipe.schema.json beside it")
    .helpOption("-h, --help", "show help")
    .action(async (file: string, options: { force?: boolean; schema?: boolean }) => {
      exitCode = await initCommand(file, options, output);
    });

  program
    .command("new")
    .description("create a plugin from a template")
    .helpOption("-h, --help", "show help")
    .command("plugin")
    .description("write a plugin (source, transform or sink) with a test running its contract suite")
    .argument("<kind>", "source, transform or sink")
    .argument("<name>", "the plugin type: lowercase letters, digits and -")
    .option("--dir <path>", "folder to write into (default: the current folder)")
    .option("--package", "a publishable package folder instead of a local .ts file")
    .option("--scope <scope>", "npm scope of the package name, e.g. @acme (with --package)")
    .helpOption("-h, --help", "show help")
    .action(async (kind: string, name: string, options: { dir?: string; package?: boolean; scope?: string }) => {
      exitCode = await newPluginCommand(kind, name, options, output);
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode;
    }
    output.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  return exitCode;
}
