/** Where commands write. Tests pass their own to capture output without a child process. */
export interface CliOutput {
  out(text: string): void;
  error(text: string): void;
}

/** Writes to the process's stdout and stderr. */
export const processOutput: CliOutput = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  error: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};
