export { defaultMaxMessageBytes, parseRecallMessage } from "./parse-recall-message.js";
export { type PngHeader, type PngHeaderProblem, readPngHeader } from "./png-header.js";
export { recallSchemas } from "./recall-schemas.js";
