import type { FrameImageRequest, FrameLibrary } from "@framepipe/testing";

/**
 * Frame images for the simulator: realistic, moving frames from `library`, except for the
 * participants in `still`, whose camera shows the same image all meeting (the first frame, sent
 * again and again, as from a frozen camera or an empty chair).
 */
export function meetingImages(
  library: FrameLibrary,
  still: ReadonlySet<number>,
): (request: FrameImageRequest) => Promise<Buffer> {
  return (request) => library.png({ ...request, counter: still.has(request.participantId) ? 0 : request.counter });
}
