/** Something wrong with a documented block, at a line of its Markdown file. */
export interface BlockProblem {
  /** 1-based line in the Markdown file. */
  readonly line: number;
  readonly message: string;
}
