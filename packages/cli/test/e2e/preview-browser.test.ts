import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createFakeRecallBot, type FakeRecallBotReport } from "@framepipe/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomToken, runDefaults, temporaryDirectory, websocketSource } from "./support/e2e-config.js";
import { type FramepipeRun, killRun, startFramepipeRun } from "./support/framepipe-process.js";

// The preview page in a real browser (Debian chromium through playwright-core), against the real
// `framepipe run` fed by the fake Recall bot: 2 bots × (3 participants, one sharing a screen, one
// whose name arrives late), realistic frames at Recall's 2 fps for 8 seconds.
// PREVIEW_SCREENSHOT=docs/images/preview.png (relative to the repo root) writes the page's screenshot.
const chromiumPath = "/usr/bin/chromium";
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const bots = 2;
const participants = 3;
const screenshare = 1;
const streams = bots * (participants + screenshare);
const sourceToken = randomToken();
const previewToken = `preview-${randomToken()}`;

let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let run: FramepipeRun;
let browser: Browser;
let page: Page;
let previewUrl: string;
let botRun: Promise<FakeRecallBotReport>;

// Code that runs in the page is written as strings: this package type-checks against Node, not the DOM.

/** Waits (bounded) for the JavaScript `expression` to be true in the page. */
function pageUntil(expression: string, timeout = 20_000): Promise<unknown> {
  return page.waitForFunction(expression, undefined, { timeout, polling: 50 });
}

/** Every name a tile showed, in order (`<stream>=<name>`), to see a late name replace the placeholder. */
const recordNames = `
  window.seenNames = [];
  new MutationObserver(() => {
    for (const element of document.querySelectorAll(".tile")) {
      const entry = element.dataset.stream + "=" + (element.querySelector(".name")?.textContent ?? "");
      if (!window.seenNames.includes(entry)) window.seenNames.push(entry);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: the preview browser test needs Debian's chromium ` +
        "(apt-get install -y --no-install-recommends chromium; scripts/install-system-packages.sh installs it)",
    );
  }
  directory = await temporaryDirectory();
  run = await startFramepipeRun(
    {
      ...runDefaults,
      sources: { recall: websocketSource({ token: sourceToken }) },
      sinks: { preview: { type: "preview", inputs: ["recall"], token: previewToken, fps: 2 } },
    },
    { directory: directory.path },
  );
  const served = await run.waitForLog((line) => line.msg.startsWith("serving /preview"), "the preview URL logged");
  previewUrl = String(served.url).replace(/\/$/, "");
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  // bypassCSP: the page's policy forbids eval, which the test's in-page checks (strings) need.
  page = await browser.newPage({ viewport: { width: 1280, height: 560 }, bypassCSP: true });
  await page.addInitScript({ content: recordNames });
  const entry = await page.goto(`${previewUrl}?token=${previewToken}`);
  expect(entry?.status()).toBe(200);
  expect(new URL(page.url()).search).toBe("");
  const bot = createFakeRecallBot({
    url: run.addresses.websocket.recall as string,
    token: sourceToken,
    bots,
    participants,
    screenshare,
    lateNames: 1,
    fps: 2,
    duration: 8,
  });
  botRun = bot.run();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await killRun(run);
  await directory?.remove();
});

describe("the preview page in chromium, fed by framepipe run and the simulator", () => {
  it("shows one tile per simulated stream, grouped by recording", async () => {
    await pageUntil(`document.querySelectorAll(".tile").length === ${streams}`);
    expect(await page.locator(".tile").count()).toBe(streams);
    expect(await page.locator("section.recording").count()).toBe(bots);
    expect(await page.locator('.tile[data-type="screenshare"]').count()).toBe(bots * screenshare);
  });

  it("updates a tile's image: two screenshots of it differ", async () => {
    const tile = page.locator('.tile[data-type="webcam"]').first();
    const id = await tile.getAttribute("data-stream");
    const image = `document.querySelector('.tile[data-stream="${id}"] img')`;
    const loaded = (version: number) =>
      pageUntil(
        `${image} !== null && Number(${image}.dataset.version) > ${version} && ${image}.complete && ${image}.naturalWidth > 0`,
      );
    await loaded(0);
    const first = await tile.locator("img").screenshot();
    let version = Number(await tile.locator("img").getAttribute("data-version"));
    let second = first;
    // Bounded: each new thumbnail version is awaited (2 per second), at most 16 of them.
    for (let attempt = 0; attempt < 16 && second.equals(first); attempt += 1) {
      await loaded(version);
      version = Number(await tile.locator("img").getAttribute("data-version"));
      second = await tile.locator("img").screenshot();
    }
    expect(second.equals(first), "the tile's image never changed").toBe(false);
    const box = (await page.evaluate(`[${image}.naturalWidth, ${image}.naturalHeight]`)) as number[];
    expect(Math.max(...box)).toBeLessThanOrEqual(320);
  });

  it("shows a late name in place of the placeholder", async () => {
    await pageUntil(`window.seenNames
      .filter((entry) => /=participant \\d+$/.test(entry))
      .some((placeholder) => {
        const now = document.querySelector('.tile[data-stream="' + placeholder.split("=")[0] + '"] .name')?.textContent ?? "";
        return now !== "" && !/^participant \\d+$/.test(now);
      })`);
    const names = await page.locator(".tile .name").allTextContents();
    expect(names.filter((name) => /^participant \d+$/.test(name))).toEqual([]);
  });

  it("writes the screenshot for the docs when asked", async () => {
    const target = process.env.PREVIEW_SCREENSHOT;
    if (target === undefined) return;
    await pageUntil(
      `[...document.querySelectorAll(".tile img")].every((image) => image.complete && image.naturalWidth > 0)`,
    );
    const file = new URL(`../../../../${target}`, import.meta.url);
    await mkdir(dirname(file.pathname), { recursive: true });
    await writeFile(file, await page.screenshot({ fullPage: true }));
  });

  it("greys every tile out as left when the participants leave", async () => {
    const report = await botRun;
    expect(report.outcome).toBe("completed");
    await pageUntil(`document.querySelectorAll('.tile[data-status="left"]').length === ${streams}`);
    // Greyed out: the stylesheet's filter, once its short transition has run.
    await pageUntil(
      `[...document.querySelectorAll(".tile")].every((tile) => getComputedStyle(tile).filter === "grayscale(1)")`,
    );
    expect(await page.locator(".tile .status").allTextContents()).toEqual(Array(streams).fill("left"));
  });

  it("gives a browser with a wrong token, or none, no page, event or frame", async () => {
    const id = await page.locator(".tile").first().getAttribute("data-stream");
    const version = await page.locator(".tile img").first().getAttribute("data-version");
    const frameUrl = `${previewUrl}/frame/${id}.jpg?v=${version}`;
    const stranger = await browser.newContext();
    try {
      const other = await stranger.newPage();
      const denied = await other.goto(`${previewUrl}?token=wrong-${previewToken}`);
      expect(denied?.status()).toBe(401);
      expect(await other.locator(".tile").count()).toBe(0);
      expect(await other.content()).not.toMatch(/Ada|Grace|Alan/);
      const image = await stranger.request.get(frameUrl);
      expect(image.status()).toBe(401);
      expect(image.headers()["content-type"]).not.toBe("image/jpeg");
      const events = await stranger.request.get(`${previewUrl}/events?token=wrong-${previewToken}`);
      expect(events.status()).toBe(401);
    } finally {
      await stranger.close();
    }
    // The same frame URL from the page that holds the token.
    const allowed = await page.context().request.get(frameUrl);
    expect(allowed.status()).toBe(200);
    expect(allowed.headers()["content-type"]).toBe("image/jpeg");
  });
});
