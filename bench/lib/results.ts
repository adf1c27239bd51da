import { mkdir, writeFile } from "node:fs/promises";
import { describeMachine } from "./machine.js";

/** Writes `bench/results/<name>.json` with the machine description and the command that made it. */
export async function writeResult(name: string, command: string, figures: Record<string, unknown>): Promise<string> {
  const directory = new URL("../results/", import.meta.url);
  await mkdir(directory, { recursive: true });
  const file = new URL(`${name}.json`, directory);
  const body = { benchmark: name, command, date: new Date().toISOString(), machine: describeMachine(), ...figures };
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
  return file.pathname;
}
