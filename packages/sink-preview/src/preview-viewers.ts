import type { ServerResponse } from "node:http";
import type { PreviewState } from "./preview-state.js";

/** Settings of {@link PreviewViewers}. */
export interface PreviewViewersSettings {
  /** Milliseconds changes are gathered before they are sent, so 50 busy tiles cost a few writes a second. */
  readonly batchMs: number;
  /** The time source, in milliseconds. */
  readonly now: () => number;
  /** Told whenever the number of viewers changes. */
  readonly onCount?: (count: number) => void;
}

interface Viewer {
  readonly response: ServerResponse;
  /** Ids of tiles changed since the last event this viewer was sent. */
  readonly changed: Set<string>;
  /** Ids of tiles removed since then. */
  readonly removed: Set<string>;
  /** The socket is backed up (`write` returned false): nothing is written until `drain`. */
  blocked: boolean;
}

/**
 * The page's live viewers, each an open `text/event-stream` response. A viewer is never sent a
 * queue of old states: it remembers only *which* tiles changed, and each event carries their
 * state at the moment it is written. While a viewer's socket is backed up nothing is written to
 * it; on `drain` it gets one event with the latest state of everything that changed meanwhile.
 */
export class PreviewViewers {
  readonly #state: PreviewState;
  readonly #settings: PreviewViewersSettings;
  readonly #viewers = new Set<Viewer>();
  #timer: NodeJS.Timeout | undefined;
  /** Events written (to any viewer), for tests and metrics. */
  eventsSent = 0;
  /** Times a viewer's socket was backed up and updates were held for it. */
  backedUp = 0;

  constructor(state: PreviewState, settings: PreviewViewersSettings) {
    this.#state = state;
    this.#settings = settings;
  }

  /** Viewers connected now. */
  get count(): number {
    return this.#viewers.size;
  }

  /** Adds a viewer: sends the event-stream headers and every tile, then follows changes. */
  add(response: ServerResponse): void {
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    response.write("retry: 2000\n\n");
    const viewer: Viewer = { response, changed: new Set(), removed: new Set(), blocked: false };
    for (const stream of this.#state.streams()) viewer.changed.add(stream.id);
    this.#viewers.add(viewer);
    this.#settings.onCount?.(this.#viewers.size);
    response.on("close", () => {
      this.#viewers.delete(viewer);
      this.#settings.onCount?.(this.#viewers.size);
    });
    this.#send(viewer, true);
  }

  /** A tile changed: every viewer will get its state in the next event. */
  changed(id: string): void {
    for (const viewer of this.#viewers) viewer.changed.add(id);
    this.#schedule();
  }

  /** A tile was removed. */
  removed(id: string): void {
    for (const viewer of this.#viewers) {
      viewer.changed.delete(id);
      viewer.removed.add(id);
    }
    this.#schedule();
  }

  /** Sends what is pending to every viewer whose socket is not backed up. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const viewer of this.#viewers) this.#send(viewer, false);
  }

  /**
   * Writes an SSE comment to every viewer whose socket is not backed up, so that proxies and
   * browsers keep a quiet stream (no tile changing) open. Call every 15 s or so.
   */
  heartbeat(): void {
    for (const viewer of this.#viewers) {
      if (!viewer.blocked && !viewer.response.writableEnded) viewer.response.write(":\n\n");
    }
  }

  /** Ends every event stream. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const viewer of this.#viewers) viewer.response.end();
    this.#viewers.clear();
  }

  #schedule(): void {
    if (this.#timer || this.#viewers.size === 0) return;
    this.#timer = setTimeout(() => this.flush(), this.#settings.batchMs);
    this.#timer.unref();
  }

  #send(viewer: Viewer, always: boolean): void {
    if (viewer.blocked || viewer.response.writableEnded) return;
    if (!always && viewer.changed.size === 0 && viewer.removed.size === 0) return;
    const now = this.#settings.now();
    const tiles = [];
    for (const id of viewer.changed) {
      const stream = this.#state.byId(id);
      if (stream) tiles.push(this.#state.view(stream, now));
    }
    const event = { tiles, removed: [...viewer.removed], hiddenFrames: this.#state.hiddenFrames };
    viewer.changed.clear();
    viewer.removed.clear();
    this.eventsSent += 1;
    const flowing = viewer.response.write(`event: tiles\ndata: ${JSON.stringify(event)}\n\n`);
    if (!flowing) {
      viewer.blocked = true;
      this.backedUp += 1;
      viewer.response.once("drain", () => {
        viewer.blocked = false;
        this.#send(viewer, false);
      });
    }
  }
}
