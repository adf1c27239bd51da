/** A fenced code block of a Markdown file. */
export interface MarkdownBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The first word of the info string, lower-cased ("" when there is none): what GitHub highlights. */
  readonly language: string;
  /** The other words of the info string (`illustrative`, `fragment`, `file=pipeline.yaml`, …). */
  readonly meta: readonly string[];
  /** The block's lines, without the fences and without the fence's own indentation. */
  readonly lines: readonly string[];
}

const openingFence = /^(`{3,}|~{3,})\s*([^`]*)$/;

/**
 * The fenced code blocks of a Markdown text, in order, as CommonMark reads them: a fence of three
 * or more backticks or tildes (indented up to three spaces, or more inside list items), closed by
 * a fence of the same character at least as long; content lines lose up to the opening fence's
 * indentation. An unclosed block runs to the end of the text.
 */
export function markdownBlocks(text: string): MarkdownBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: MarkdownBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    // A fence inside a list item is indented by the item's content offset, so any indentation goes.
    const opening = openingFence.exec((lines[index] ?? "").trimStart());
    if (opening === null) {
      index += 1;
      continue;
    }
    const indent = (lines[index] ?? "").length - (lines[index] ?? "").trimStart().length;
    const fence = opening[1] ?? "```";
    const [language = "", ...meta] = (opening[2] ?? "").trim().split(/\s+/).filter(Boolean);
    const closing = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    const content: string[] = [];
    let end = index + 1;
    while (end < lines.length && !closing.test(lines[end] ?? "")) {
      content.push(removeIndent(lines[end] ?? "", indent));
      end += 1;
    }
    blocks.push({ line: index + 1, language: language.toLowerCase(), meta, lines: content });
    index = end + 1;
  }
  return blocks;
}

function removeIndent(line: string, indent: number): string {
  let removed = 0;
  while (removed < indent && line[removed] === " ") removed += 1;
  return line.slice(removed);
}
