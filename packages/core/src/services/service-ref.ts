/**
 * A typed reference to a service a plugin depends on (an `http.Server`, an `S3Client`, …).
 * Plugins declare them as data in `deps` and receive plain values in `context.services`; they
 * never touch the DI container.
 */
export interface ServiceRef<T, Optional extends boolean = boolean> {
  readonly id: string;
  readonly optional: Optional;
  /** Phantom field carrying the service type; never set. */
  readonly __type?: T;
}

/** Creates a service reference. `id` is what a host passes under `services: { [id]: value }`. */
export function createServiceRef<T>(options: { id: string; optional: true }): ServiceRef<T, true>;
export function createServiceRef<T>(options: { id: string; optional?: false }): ServiceRef<T, false>;
export function createServiceRef<T>(options: { id: string; optional?: boolean }): ServiceRef<T> {
  return Object.freeze({ id: options.id, optional: options.optional ?? false });
}

/** A map of declared dependencies. */
export type ServiceDeps = Readonly<Record<string, ServiceRef<unknown>>>;

/** The resolved values of declared dependencies: optional ones may be undefined. */
export type ResolvedServices<Deps extends ServiceDeps> = {
  readonly [K in keyof Deps]: Deps[K] extends ServiceRef<infer T, infer Optional>
    ? Optional extends true
      ? T | undefined
      : T
    : never;
};
