export {
  type ApiRouteHandler,
  ApiRoutes,
  type ApiRoutesOptions,
  apiRoutesService,
  isLoopbackHost,
} from "./api-routes.js";
export {
  type ApiServer,
  type ApiServerOptions,
  type ReadinessState,
  startApiServer,
} from "./api-server.js";
export type { LogDestination } from "./log-destination.js";
export { type CreateLoggerOptions, createLogger, defaultRedactPaths, type LoggerLevel } from "./logger.js";
