import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { createServiceRef } from "../services/service-ref.js";

/**
 * Answers a request under a mounted prefix. It owns the response: every method reaches it (answer
 * 405 yourself), and a rejection is answered 500 by the API server when nothing was sent yet.
 */
export type ApiRouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Options of {@link ApiRoutes}. */
export interface ApiRoutesOptions {
  /**
   * The address the API listener is bound to (`api.host`), so that a plugin serving something
   * sensitive can refuse to run unprotected on a non-loopback address. Default `127.0.0.1`.
   */
  readonly host?: string;
}

const reserved = new Set(["/metrics", "/health", "/ready"]);
const prefixPattern = /^\/[A-Za-z0-9._~-]+(?:\/[A-Za-z0-9._~-]+)*$/;

/** True for `localhost` and the loopback addresses (`127.0.0.0/8`, `::1`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare.toLowerCase() === "::ffff:127.0.0.1";
  return false;
}

/**
 * Routes plugins add to framepipe's API listener (the server of `/metrics`, `/health` and
 * `/ready`), such as the `preview` sink's `/preview` page. A host creates one per API listener,
 * passes it to {@link startApiServer} (`routes`) and to `createPipeline` under
 * `services: { apiRoutes }`; `framepipe run` does both whenever `api.port` is set. A plugin
 * declares `deps: { apiRoutes: apiRoutesService }`, mounts its prefix in `create()` and removes
 * it in `close()`.
 *
 * @example
 * ```ts
 * const remove = context.services.apiRoutes?.mount("/preview", (request, response) => {
 *   response.end("hello");
 * });
 * // … in close(): remove?.();
 * ```
 */
export class ApiRoutes {
  /** The address the API listener is bound to, as given. */
  readonly host: string;
  readonly #routes = new Map<string, ApiRouteHandler>();

  constructor(options: ApiRoutesOptions = {}) {
    this.host = options.host ?? "127.0.0.1";
  }

  /** True when the listener accepts connections from this machine only ({@link isLoopbackHost}). */
  get loopbackOnly(): boolean {
    return isLoopbackHost(this.host);
  }

  /** The mounted prefixes, in mount order. */
  get prefixes(): readonly string[] {
    return [...this.#routes.keys()];
  }

  /**
   * Mounts `handler` at `prefix` (`/preview`): it receives `GET /preview`, `/preview/…` and any
   * query. Throws a `TypeError` for a malformed prefix, one of the built-in paths, or a prefix
   * another plugin mounted. Returns a function that removes the route (safe to call twice).
   */
  mount(prefix: string, handler: ApiRouteHandler): () => void {
    if (!prefixPattern.test(prefix) || prefix.split("/").some((segment) => segment === "." || segment === "..")) {
      throw new TypeError(
        `[framepipe] API route "${prefix}" must look like /name or /name/sub (letters, digits, ._~-)`,
      );
    }
    if (reserved.has(prefix)) throw new TypeError(`[framepipe] API route ${prefix} is framepipe's own`);
    if (this.#routes.has(prefix)) throw new TypeError(`[framepipe] API route ${prefix} is already mounted`);
    this.#routes.set(prefix, handler);
    return () => {
      if (this.#routes.get(prefix) === handler) this.#routes.delete(prefix);
    };
  }

  /** The handler for a request path (without its query), or undefined when no mounted prefix covers it. */
  find(path: string): ApiRouteHandler | undefined {
    for (const [prefix, handler] of this.#routes) {
      if (path === prefix || path.startsWith(`${prefix}/`)) return handler;
    }
    return undefined;
  }
}

/** The service plugins declare to mount routes on the API listener; absent when the API is off. */
export const apiRoutesService = createServiceRef<ApiRoutes>({ id: "apiRoutes", optional: true });
