/** A piece of a shell word: literal text, a `$VAR` reference, or a `$(command)` substitution. */
export type WordPart =
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "variable"; readonly name: string }
  | { readonly kind: "substitution"; readonly command: string };

/** A shell word before expansion. */
export type ShellWord = readonly WordPart[];

/** One simple command of a documented shell block, before expansion. */
export interface RawShellCommand {
  /** 0-based index of the block line the command starts on. */
  readonly lineIndex: number;
  /** The logical line it comes from (continuation lines joined), comment removed. */
  readonly text: string;
  readonly words: readonly ShellWord[];
}

/**
 * The simple commands of a shell block, in order: lines ending in `\` continue on the next one,
 * `#` starts a comment, `&&`, `||`, `;`, `|` and `&` separate commands, and redirections
 * (`> file`, `2>&1`) are dropped. Quotes, `\` escapes, `$VAR`, `${VAR}` and `$(…)` are kept as
 * word parts, expanded later with {@link expandWord} (the environment changes as `export` lines run).
 */
export function shellCommands(lines: readonly string[]): RawShellCommand[] {
  const commands: RawShellCommand[] = [];
  let index = 0;
  while (index < lines.length) {
    const lineIndex = index;
    let text = lines[index] ?? "";
    while (/(^|[^\\])(\\\\)*\\$/.test(text) && index + 1 < lines.length) {
      index += 1;
      text = `${text.slice(0, -1)} ${lines[index] ?? ""}`;
    }
    index += 1;
    for (const command of splitLine(text)) {
      if (command.words.length > 0) commands.push({ lineIndex, text: command.text.trim(), words: command.words });
    }
  }
  return commands;
}

/** A word's value with variables taken from `env` (unset ones stay as written) and substitutions as `computed`. */
export function expandWord(
  word: ShellWord,
  env: ReadonlyMap<string, string>,
  computed: (command: string) => string = (command) => `$(${command})`,
): string {
  return word
    .map((part) => {
      if (part.kind === "text") return part.value;
      if (part.kind === "variable") return env.get(part.name) ?? `$${part.name}`;
      return computed(part.command);
    })
    .join("");
}

/** True when a word contains a `$(…)` substitution. */
export function hasSubstitution(word: ShellWord): boolean {
  return word.some((part) => part.kind === "substitution");
}

/** The word's text when it has no expansions at all. */
export function literalWord(word: ShellWord): string | undefined {
  return word.every((part) => part.kind === "text") ? word.map((part) => part.value).join("") : undefined;
}

function splitLine(line: string): { text: string; words: ShellWord[] }[] {
  const commands: { text: string; words: ShellWord[] }[] = [];
  let words: ShellWord[] = [];
  let parts: WordPart[] | undefined;
  let commandStart = 0;
  let skipNextWord = false;
  const text = (value: string) => {
    parts ??= [];
    const last = parts.at(-1);
    if (last?.kind === "text") parts[parts.length - 1] = { kind: "text", value: last.value + value };
    else parts.push({ kind: "text", value });
  };
  const endWord = () => {
    if (parts !== undefined) {
      if (skipNextWord) skipNextWord = false;
      else words.push(parts);
    }
    parts = undefined;
  };
  const endCommand = (at: number) => {
    endWord();
    commands.push({ text: line.slice(commandStart, at), words });
    words = [];
  };
  /** Reads `$…` at `at` (the `$`), adds the part, returns the index after it. */
  const dollar = (at: number): number => {
    const next = line[at + 1];
    if (next === "(") {
      let depth = 1;
      let end = at + 2;
      while (end < line.length && depth > 0) {
        if (line[end] === "(") depth += 1;
        if (line[end] === ")") depth -= 1;
        end += 1;
      }
      parts ??= [];
      parts.push({ kind: "substitution", command: line.slice(at + 2, end - 1).trim() });
      return end;
    }
    if (next === "{") {
      const end = line.indexOf("}", at);
      const name = line.slice(at + 2, end === -1 ? line.length : end).replace(/[:?\-=+].*$/, "");
      parts ??= [];
      parts.push({ kind: "variable", name });
      return end === -1 ? line.length : end + 1;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(at + 1))?.[0];
    if (name === undefined) {
      text("$");
      return at + 1;
    }
    parts ??= [];
    parts.push({ kind: "variable", name });
    return at + 1 + name.length;
  };

  let at = 0;
  while (at < line.length) {
    const char = line[at] ?? "";
    if (/\s/.test(char)) {
      endWord();
      at += 1;
    } else if (char === "#" && parts === undefined) {
      break;
    } else if (char === "'") {
      const end = line.indexOf("'", at + 1);
      text(line.slice(at + 1, end === -1 ? line.length : end));
      at = end === -1 ? line.length : end + 1;
    } else if (char === '"') {
      parts ??= [];
      at += 1;
      while (at < line.length && line[at] !== '"') {
        if (line[at] === "\\" && /["\\$`]/.test(line[at + 1] ?? "")) {
          text(line[at + 1] ?? "");
          at += 2;
        } else if (line[at] === "$") {
          at = dollar(at);
        } else {
          text(line[at] ?? "");
          at += 1;
        }
      }
      at += 1;
    } else if (char === "\\") {
      text(line[at + 1] ?? "");
      at += 2;
    } else if (char === "$") {
      at = dollar(at);
    } else if (char === "&" || char === "|" || char === ";") {
      endCommand(at);
      at += line[at + 1] === char ? 2 : 1;
      commandStart = at;
    } else if (char === ">" || char === "<") {
      // A redirection: drop its target (`> file`, `2>&1`), and a file descriptor number before it.
      const last = parts?.length === 1 ? parts[0] : undefined;
      if (last?.kind === "text" && /^\d$/.test(last.value)) parts = undefined;
      endWord();
      at += 1;
      if (line[at] === ">") at += 1;
      if (line[at] === "&") {
        while (at < line.length && /[&\d-]/.test(line[at] ?? "")) at += 1;
      } else {
        skipNextWord = true;
      }
    } else {
      text(char);
      at += 1;
    }
  }
  endCommand(at);
  return commands;
}
