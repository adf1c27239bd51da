/** How tests reach the radosgw the global setup started, or why it is not there. */
export type RadosgwInfo =
  | {
      readonly endpoint: string;
      readonly region: string;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
    }
  | { readonly error: string };

declare module "vitest" {
  export interface ProvidedContext {
    radosgw: RadosgwInfo;
  }
}
