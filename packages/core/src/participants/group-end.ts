import type { GroupInfo, StreamInfo } from "../model/stream-key.js";

/** One group ending: shared by the end markers of all its streams. */
export interface GroupEnd {
  readonly info: GroupInfo;
  /** How many streams the group had, i.e. how many markers a sink waits for before `endGroup`. */
  readonly streamCount: number;
}

/** The end of one stream of an ending group. */
export interface StreamEnd {
  readonly stream: StreamInfo;
  readonly group: GroupEnd;
}
