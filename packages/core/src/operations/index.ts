export {
  type ApiServer,
  type ApiServerOptions,
  type ReadinessState,
  startApiServer,
} from "./api-server.js";
export { type CreateLoggerOptions, createLogger, defaultRedactPaths, type LoggerLevel } from "./logger.js";
export type { LogDestination } from "./pretty-log-stream.js";
