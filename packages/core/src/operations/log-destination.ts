/** Where formatted log lines go: a writable stream such as `process.stdout`, or anything with `write`. */
export interface LogDestination {
  write(line: string): unknown;
  /** True for a terminal; decides `pretty: "auto"` and colours. */
  readonly isTTY?: boolean;
}
