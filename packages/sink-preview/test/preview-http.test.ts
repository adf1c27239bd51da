import { request } from "node:http";
import { createTestFrame, createTestPng } from "@framepipe/testing";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { type PreviewServer, startPreview } from "./support/preview-server.js";
import { openViewer, type SseViewer } from "./support/sse-client.js";

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const token = "preview-token-0123456789";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function preview(options: Parameters<typeof startPreview>[0] = {}, host?: string): Promise<PreviewServer> {
  const server = await startPreview(options, host);
  cleanups.push(() => server.close());
  return server;
}

async function viewer(url: string, headers: Record<string, string> = {}): Promise<SseViewer> {
  const opened = await openViewer(url, headers);
  cleanups.push(() => opened.close());
  return opened;
}

const webcam = (seq: number, name: string | null = "Ada Lovelace", participantId = 7) =>
  createTestFrame({
    recording: { id: "rec-1" },
    participant: { id: participantId, name },
    seq,
    image: { data: createTestPng({ width: 640, height: 360, participantId, seq }) },
  });

describe("preview over HTTP", () => {
  it("serves the page, its script and stylesheet from the package, and 404/405 otherwise", async () => {
    const server = await preview();
    const folder = await get(server.url);
    expect([folder.status, folder.headers.location]).toEqual([308, "/preview/"]);
    const page = await get(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body.toString()).toContain('<script src="preview.js"');
    expect((await get(`${server.url}/preview.js`)).body.toString()).toContain("EventSource");
    expect((await get(`${server.url}/preview.css`)).headers["content-type"]).toContain("text/css");
    expect((await get(`${server.url}/nothing`)).status).toBe(404);
    expect((await get(`${server.url}/frame/s999.jpg`)).status).toBe(404);
    expect((await get(`${server.url}/`, {}, "POST")).status).toBe(405);
    // The API's own routes are untouched.
    expect((await get(`${server.api.url}/health`)).status).toBe(200);
  });

  it("streams a tile per stream with the latest thumbnail, made once per frame and served by URL", async () => {
    const server = await preview({ fps: 10 });
    const live = await viewer(`${server.url}/events`);
    expect(live.status).toBe(200);
    // One thumbnail is made at a time: the second stream's frame comes once the first one's is done.
    await server.sink.write(webcam(0));
    await live.until((tiles) => [...tiles.values()].filter((tile) => tile.version >= 1).length === 1);
    await server.sink.write(
      createTestFrame({ recording: { id: "rec-1" }, participant: { id: 7 }, type: "screenshare" }),
    );
    await live.until((tiles) => [...tiles.values()].filter((tile) => tile.version >= 1).length === 2);
    const tile = [...live.tiles.values()].find((candidate) => candidate.type === "webcam");
    expect(tile).toMatchObject({ recordingId: "rec-1", participantId: 7, name: "Ada Lovelace", status: "live" });
    const image = await get(`${server.url}/frame/${tile?.id}.jpg?v=${tile?.version}`);
    expect(image.status).toBe(200);
    expect(image.headers["content-type"]).toBe("image/jpeg");
    const metadata = await sharp(image.body).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(["jpeg", 320, 180]);
  });

  it("shows a late name, greys a tile out as left on endGroup, and sends later viewers the current state", async () => {
    const server = await preview();
    const live = await viewer(`${server.url}/events`);
    await server.sink.write(webcam(0, null));
    await live.until((tiles) => tiles.size === 1);
    expect([...live.tiles.values()][0]?.name).toBeNull();
    await server.sink.write(webcam(1, "Grace Hopper"));
    await live.until((tiles) => [...tiles.values()][0]?.name === "Grace Hopper");
    await server.sink.endGroup?.({ key: "rec-1#7", recordingId: "rec-1", participantId: 7, reason: "leave" });
    await live.until((tiles) => [...tiles.values()][0]?.status === "left");
    const late = await viewer(`${server.url}/events`);
    await late.until((tiles) => tiles.size === 1);
    expect([...late.tiles.values()][0]).toMatchObject({ name: "Grace Hopper", status: "left", frames: 2 });
  });

  it("makes no thumbnail while nobody watches", async () => {
    const server = await preview();
    await server.sink.write(webcam(0));
    const live = await viewer(`${server.url}/events`);
    await live.until((tiles) => tiles.size === 1);
    expect([...live.tiles.values()][0]).toMatchObject({ version: 0, frames: 1, skipped: 0 });
  });

  it("removes its route on close", async () => {
    const server = await preview();
    await server.sink.close?.();
    expect((await get(server.url)).status).toBe(404);
  });

  it("on a loopback listener without a token, refuses requests naming another host (DNS rebinding)", async () => {
    const server = await preview();
    await server.sink.write(webcam(0));
    const answer = await get(`${server.url}/events`, { host: "attacker.example:9464" });
    expect(answer.status).toBe(403);
    expect(answer.body.toString()).not.toContain("Ada");
    expect((await get(`${server.url}/`, { host: "localhost:9464" })).status).toBe(200);
  });
});

describe("preview security", () => {
  it("refuses to start on a non-loopback listener without a token", async () => {
    await expect(startPreview({}, "0.0.0.0")).rejects.toThrow(/api\.host is 0\.0\.0\.0.*set the sink's token/);
  });

  it("with a token, serves nothing without it: 401 and no frame, name or event", async () => {
    const server = await preview({ token }, "0.0.0.0");
    const live = await viewer(`${server.url}/events`, { authorization: `Bearer ${token}` });
    await server.sink.write(webcam(0, "Secret Name"));
    await live.until((tiles) => [...tiles.values()][0]?.version === 1);
    const id = [...live.tiles.values()][0]?.id;
    for (const path of ["", "/", "/events", `/frame/${id}.jpg?v=1`, "/preview.js"]) {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: "Bearer wrong-token-0123456789" },
        { cookie: "framepipe_preview=forged" },
      ]) {
        const answer = await get(`${server.url}${path}`, headers);
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(answer.headers["www-authenticate"]).toContain("Bearer");
        expect(answer.headers["content-type"]).toContain("text/plain");
        expect(answer.body.toString()).not.toMatch(/Secret|rec-1|tiles|\xff\xd8/);
      }
    }
    expect((await get(`${server.url}?token=wrong-token-0123456789`)).status).toBe(401);
  });

  it("with a token, accepts it as Bearer, or once as ?token= that leaves a cookie for the page", async () => {
    const server = await preview({ token }, "0.0.0.0");
    expect((await get(`${server.url}/`, { authorization: `Bearer ${token}` })).status).toBe(200);
    const entry = await get(`${server.url}?token=${token}`);
    expect(entry.status).toBe(303);
    expect(entry.headers.location).toBe("/preview/");
    const cookie = String(entry.headers["set-cookie"]).split(";")[0] ?? "";
    expect(cookie).toMatch(/^framepipe_preview=/);
    expect(cookie).not.toContain(token);
    expect(String(entry.headers["set-cookie"])).toContain("HttpOnly");
    expect((await get(`${server.url}/`, { cookie })).status).toBe(200);
    const live = await viewer(`${server.url}/events`, { cookie });
    expect(live.status).toBe(200);
    await server.sink.write(webcam(0));
    await live.until((tiles) => [...tiles.values()][0]?.version === 1);
    const id = [...live.tiles.values()][0]?.id;
    const image = await get(`${server.url}/frame/${id}.jpg?v=1`, { cookie });
    expect(image.status).toBe(200);
    expect(image.headers["content-type"]).toBe("image/jpeg");
    const byQuery = await get(`${server.url}/frame/${id}.jpg?v=1&token=${token}`);
    expect([byQuery.status, byQuery.headers["content-type"]]).toEqual([200, "image/jpeg"]);
  });
});
