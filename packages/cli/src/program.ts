import { Command, CommanderError } from "commander";
import { type CliOutput, processOutput } from "./cli-output.js";
import { type InitCommandOptions, initCommand } from "./commands/init-command.js";
import { type NewPluginCommandOptions, newPluginCommand } from "./commands/new-plugin-command.js";
import { pluginsCommand } from "./commands/plugins-command.js";
import { type RunCommandOptions, runCommand } from "./commands/run-command.js";
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
 * What each command does once commander has parsed its arguments and options; each returns the
 * exit code. {@link runCli} takes them as a parameter so that a caller can check a command line
 * without running it (the documentation test parses every documented `framepipe …` command).
 */
export interface CliActions {
  run(config: string, options: RunCommandOptions, output: CliOutput): Promise<number>;
  validate(config: string, output: CliOutput): Promise<number>;
  schema(options: { output?: string; config?: string }, output: CliOutput): Promise<number>;
  plugins(options: { json?: boolean; config?: string }, output: CliOutput): Promise<number>;
  simulate(url: string, options: SimulateCommandOptions, output: CliOutput): Promise<number>;
  init(file: string, options: InitCommandOptions, output: CliOutput): Promise<number>;
  newPlugin(kind: string, name: string, options: NewPluginCommandOptions, output: CliOutput): Promise<number>;
}

/** The commands as `framepipe` runs them. */
export const cliActions: CliActions = {
  run: runCommand,
  validate: validateCommand,
  schema: schemaCommand,
  plugins: pluginsCommand,
  simulate: simulateCommand,
  init: initCommand,
  newPlugin: newPluginCommand,
};

/**
 * Runs the `framepipe` command line with `argv` (without `node` and the script path) and returns
 * the exit code. Output goes through `output` so tests can capture it in-process; `actions`
 * replaces what the commands do (default: {@link cliActions}).
 */
export async function runCli(
  argv: readonly string[],
  output: CliOutput = processOutput,
  actions: CliActions = cliActions,
): Promise<number> {
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
      exitCode = await actions.run(
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
      exitCode = await actions.validate(config, output);
    });

  program
    .command("schema")
    .description("print the JSON Schema of pipeline files, every known plugin included")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("-c, --config <file>", "also include the plugins this pipeline file lists under plugins:")
    .helpOption("-h, --help", "show help")
    .action(async (options: { output?: string; config?: string }) => {
      exitCode = await actions.schema(options, output);
    });

  program
    .command("plugins")
    .description("list known plugins with their options")
    .option("--json", "machine-readable output")
    .option("-c, --config <file>", "also include the plugins this pipeline file lists under plugins:")
    .helpOption("-h, --help", "show help")
    .action(async (options: { json?: boolean; config?: string }) => {
      exitCode = await actions.plugins(options, output);
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
      exitCode = await actions.simulate(url, options, output);
    });

  program
    .command("init")
    .description("write a commented starter pipeline (websocket → resize → fs) and its JSON Schema")
    .argument("[file]", "pipeline file to write", "pipeline.yaml")
    .option("--force", "replace the file if it exists")
    .option("--no-schema", "do not write framepipe.schema.json beside it")
    .helpOption("-h, --help", "show help")
    .action(async (file: string, options: { force?: boolean; schema?: boolean }) => {
      exitCode = await actions.init(file, options, output);
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
      exitCode = await actions.newPlugin(kind, name, options, output);
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
