import { WebSocketServer } from "ws";
import { decodeBase64Span } from "../packages/core/dist/src/recall/decode-base64.js";
import { recallMessageSchemas } from "../packages/core/dist/src/recall/recall-schemas.js";
import { splitBufferField } from "../packages/core/dist/src/recall/split-buffer-field.js";

const mode = process.argv[2];
const server = new WebSocketServer({
  host: "127.0.0.1",
  port: 18083,
  skipUTF8Validation: true,
  maxPayload: 64 * 1024 * 1024,
});
let keep;
server.on("connection", (socket) =>
  socket.on("message", (data) => {
    const s = splitBufferField(data);
    if (!s) return;
    const v = JSON.parse(s.rest);
    if (mode === "zod-then-decode") {
      keep = recallMessageSchemas["video_separate_png.data"].safeParse(v);
      keep.x = decodeBase64Span(data, s.start, s.end);
    }
    if (mode === "decode-then-zod") {
      const x = decodeBase64Span(data, s.start, s.end);
      keep = recallMessageSchemas["video_separate_png.data"].safeParse(v);
      keep.x = x;
    }
    if (mode === "zod-only") {
      keep = recallMessageSchemas["video_separate_png.data"].safeParse(v);
    }
  }),
);
