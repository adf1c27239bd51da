/** The URL a fake bot connects to, and what was changed to make it one Recall would accept. */
export interface EndpointUrl {
  readonly url: string;
  /** The same URL with the token value hidden, for messages. */
  readonly display: string;
  /** Set when the URL lacked the `/` Recall requires before `?` and one was added. */
  readonly warning: string | null;
}

/** `ws://host/recall/?token=abc` → `ws://host/recall/?token=[redacted]`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has("token")) parsed.searchParams.set("token", "[redacted]");
    return parsed.toString().replace("%5Bredacted%5D", "[redacted]");
  } catch {
    return "[unparsable url]";
  }
}

/**
 * Builds the endpoint URL as Recall uses it: `token` goes into the query as `?token=`. Recall's
 * request fails with HTTP 400 when there is no `/` right before the `?`
 * (`wss://host/recall?token=…`), so such a URL is fixed by adding the slash, with a warning.
 */
export function endpointUrl(url: string, token?: string): EndpointUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `[framepipe] fake Recall bot: "${redactUrl(url)}" is not a URL (expected ws://host:port/path/)`,
    );
  }
  if (parsed.protocol === "http:") parsed.protocol = "ws:";
  if (parsed.protocol === "https:") parsed.protocol = "wss:";
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
    throw new TypeError(`[framepipe] fake Recall bot: expected a ws:// or wss:// URL, got ${parsed.protocol}`);
  }
  if (token !== undefined) parsed.searchParams.set("token", token);
  let warning: string | null = null;
  if (parsed.search !== "" && !parsed.pathname.endsWith("/")) {
    const before = redactUrl(parsed.toString());
    parsed.pathname = `${parsed.pathname}/`;
    warning =
      `Recall requires a "/" before "?" in the endpoint URL (its request fails with HTTP 400 otherwise): ` +
      `using ${redactUrl(parsed.toString())} instead of ${before}`;
  }
  const result = parsed.toString();
  return { url: result, display: redactUrl(result), warning };
}
