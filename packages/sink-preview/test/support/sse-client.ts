import { request } from "node:http";
import type { TileView } from "../../src/preview-state.js";

/** One `tiles` event as the page receives it. */
export interface TilesEvent {
  readonly tiles: TileView[];
  readonly removed: string[];
  readonly hiddenFrames: number;
}

/** A test viewer of the preview's event stream, keeping the tiles as the page would. */
export interface SseViewer {
  readonly status: number;
  /** Every tile seen, by id, in its latest state. */
  readonly tiles: Map<string, TileView>;
  readonly events: TilesEvent[];
  /** Resolves once `predicate` holds for the tiles (checked after every event). */
  until(predicate: (tiles: Map<string, TileView>) => boolean): Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream (with optional headers) and follows its `tiles` events. */
export function openViewer(url: string, headers: Record<string, string> = {}): Promise<SseViewer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: "text/event-stream", ...headers } }, (response) => {
      const tiles = new Map<string, TileView>();
      const events: TilesEvent[] = [];
      const waiters: { predicate: (tiles: Map<string, TileView>) => boolean; resolve: () => void }[] = [];
      let buffer = "";
      const check = () => {
        for (const waiter of [...waiters]) {
          if (waiter.predicate(tiles)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      };
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split("\n")
            .filter((line) => line.startsWith("data: "))
            .map((line) => line.slice(6))
            .join("\n");
          if (!block.includes("event: tiles") || data === "") continue;
          const event = JSON.parse(data) as TilesEvent;
          events.push(event);
          for (const id of event.removed) tiles.delete(id);
          for (const tile of event.tiles) tiles.set(tile.id, tile);
          check();
        }
      });
      response.on("error", () => {});
      resolve({
        status: response.statusCode ?? 0,
        tiles,
        events,
        until: (predicate) =>
          new Promise<void>((done) => {
            waiters.push({ predicate, resolve: done });
            check();
          }),
        close: () => req.destroy(),
      });
    });
    req.on("error", reject);
    req.end();
  });
}
