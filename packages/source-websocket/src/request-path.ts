/**
 * Normalises a configured or requested path for matching: trailing slashes are dropped (the root
 * stays `/`), so `/recall/` and `/recall` are the same endpoint. Recall insists on the `/` before
 * `?token=` in the URL it is given, while users often configure the path without it.
 */
export function normalisePath(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 0x2f) end -= 1;
  const trimmed = path.slice(0, end);
  return trimmed === "" ? "/" : trimmed;
}

/** The path part of a request URL (`/recall/?token=…` → `/recall/`), never the query. */
export function requestPathname(url: string | undefined): string {
  if (url === undefined || url === "") return "/";
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  return path === "" ? "/" : path;
}

/** Builds a matcher for one configured path; requests match with or without a trailing slash. */
export function createPathMatcher(configuredPath: string): (requestUrl: string | undefined) => boolean {
  const expected = normalisePath(configuredPath);
  return (requestUrl) => normalisePath(requestPathname(requestUrl)) === expected;
}
