// The framepipe preview page: plain JavaScript, no framework, no build step. It follows the
// server's event stream (`events`), keeps one tile per participant stream grouped by recording,
// and loads each tile's latest thumbnail by URL (`frame/<id>.jpg?v=<version>`).

(() => {
  const base = location.pathname.replace(/\/+$/, "");
  const recordings = document.getElementById("recordings");
  const empty = document.getElementById("empty");
  const summary = document.getElementById("summary");
  const connection = document.getElementById("connection");
  const template = document.getElementById("tile-template");
  /** id → { view, receivedAt, element } */
  const tiles = new Map();
  let hiddenFrames = 0;

  function sectionOf(recordingId) {
    for (const section of recordings.querySelectorAll("section.recording")) {
      if (section.dataset.recording === recordingId) return section;
    }
    const section = document.createElement("section");
    section.className = "recording";
    section.dataset.recording = recordingId;
    const heading = document.createElement("h2");
    heading.textContent = `recording ${recordingId}`;
    const grid = document.createElement("div");
    grid.className = "grid";
    section.append(heading, grid);
    recordings.append(section);
    return section;
  }

  function formatAge(ms) {
    if (ms < 1000) return "now";
    if (ms < 60_000) return `${(ms / 1000).toFixed(0)} s ago`;
    return `${Math.floor(ms / 60_000)} min ago`;
  }

  function render(tile) {
    const { view, element } = tile;
    element.dataset.status = view.status;
    element.dataset.type = view.type;
    element.dataset.version = String(view.version);
    const name = view.name || `participant ${view.participantId}`;
    element.querySelector(".name").textContent = name;
    element.querySelector(".name").title = name;
    element.querySelector(".type").textContent = view.type;
    element.querySelector(".status").textContent = view.status;
    element.querySelector(".fps").textContent = `${view.fps.toFixed(1)} fps`;
    element.querySelector(".drops").textContent = `${view.skipped} skipped`;
    element.querySelector(".drops").title =
      "frames the preview made no thumbnail of (its fps limit); the pipeline still processed them";
    if (view.version > tile.wanted) {
      // Load the new thumbnail off-screen and swap it in once decoded: no blank frame between two.
      tile.wanted = view.version;
      const next = new Image();
      next.alt = `${name} (${view.type})`;
      next.dataset.version = String(view.version);
      next.src = `${base}/frame/${encodeURIComponent(view.id)}.jpg?v=${view.version}`;
      next
        .decode()
        .then(() => {
          const shown = element.querySelector("img");
          if (tile.wanted === view.version && Number(shown.dataset.version ?? 0) < view.version)
            shown.replaceWith(next);
        })
        .catch(() => {});
    }
    updateAge(tile, performance.now());
  }

  function updateAge(tile, now) {
    const age = tile.view.ageMs + (now - tile.receivedAt);
    tile.element.querySelector(".age").textContent = `last frame ${formatAge(age)}`;
  }

  function updateSummary() {
    const views = [...tiles.values()].map((tile) => tile.view);
    const live = views.filter((view) => view.status === "live").length;
    const recordingsCount = new Set(views.map((view) => view.recordingId)).size;
    let text = `${views.length} streams (${live} live) in ${recordingsCount} recordings`;
    if (hiddenFrames > 0) text += ` · ${hiddenFrames} frames of streams beyond maxStreams not shown`;
    summary.textContent = text;
    empty.hidden = views.length > 0;
  }

  function apply(event) {
    const now = performance.now();
    hiddenFrames = event.hiddenFrames ?? hiddenFrames;
    for (const id of event.removed) {
      const tile = tiles.get(id);
      if (!tile) continue;
      const section = tile.element.closest("section.recording");
      tile.element.remove();
      tiles.delete(id);
      if (section && section.querySelector(".tile") === null) section.remove();
    }
    for (const view of event.tiles) {
      let tile = tiles.get(view.id);
      if (!tile) {
        const element = template.content.firstElementChild.cloneNode(true);
        element.dataset.stream = view.id;
        sectionOf(view.recordingId).querySelector(".grid").append(element);
        tile = { view, receivedAt: now, element, wanted: 0 };
        tiles.set(view.id, tile);
      }
      tile.view = view;
      tile.receivedAt = now;
      render(tile);
    }
    updateSummary();
  }

  function connect() {
    const source = new EventSource(`${base}/events`);
    source.addEventListener("open", () => {
      // After a reconnect the server sends every tile again; forget what may have gone meanwhile.
      apply({ tiles: [], removed: [...tiles.keys()] });
      connection.dataset.state = "open";
      connection.textContent = "live";
    });
    source.addEventListener("tiles", (message) => apply(JSON.parse(message.data)));
    source.addEventListener("error", () => {
      connection.dataset.state = "closed";
      connection.textContent = source.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting…";
    });
  }

  setInterval(() => {
    const now = performance.now();
    for (const tile of tiles.values()) updateAge(tile, now);
  }, 1000);
  connect();
})();
