import { readFile, writeFile } from "node:fs/promises";

/** Writes messages as one file: each one a u32 LE length followed by its bytes. */
export async function writeMessageFile(path: string, messages: readonly Buffer[]): Promise<void> {
  const parts: Buffer[] = [];
  for (const message of messages) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(message.length);
    parts.push(length, message);
  }
  await writeFile(path, Buffer.concat(parts));
}

/** Reads what {@link writeMessageFile} wrote; every message gets its own buffer. */
export async function readMessageFile(path: string): Promise<Buffer[]> {
  const file = await readFile(path);
  const messages: Buffer[] = [];
  let offset = 0;
  while (offset < file.length) {
    const length = file.readUInt32LE(offset);
    offset += 4;
    messages.push(Buffer.from(file.subarray(offset, offset + length)));
    offset += length;
  }
  return messages;
}
