export { type BoundedResource, recallValueLimits, type TruncatedField } from "./bounded-values.js";
export { defaultMaxEnvelopeBytes } from "./envelope-size.js";
export { defaultMaxMessageBytes, parseRecallMessage } from "./parse-recall-message.js";
export { type PngHeader, type PngHeaderProblem, readPngHeader } from "./png-header.js";
export { recallSchemas } from "./recall-schemas.js";
export {
  defaultMaxPixels,
  type PngProblem,
  type PngProblemKind,
  type ValidatePngOptions,
  validatePng,
} from "./validate-png.js";
