// Opens the live viewer in Debian's headless chromium with a fake camera playing a .y4m file, and prints one
// JSON line with what it saw: overlays drawn, how many distinct overlays, the HUD's numbers, and whether a frame
// was in flight when the page closed. Used by client-cli's LiveViewerBrowserTest (which asserts on the line).
// usage: node live-viewer.mjs URL FILE.y4m SCREENSHOT.png
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [url, y4m, screenshot] = process.argv.slice(2);
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scorecam-chromium-'));
const result = {};
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1100, height: 640 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`],
  });
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('model').options.length > 0, null, { timeout: 30000 });
  await page.click('#camera');
  await page.waitForFunction(() => window.scorecamLive.state.overlaysDrawn >= 3, null, { timeout: 90000 });

  // sample the overlay canvas: the fake camera loops the bundled frames, so overlays must change
  const hashes = new Set();
  for (let i = 0; i < 12; i++) {
    hashes.add(await page.evaluate(() => {
      const c = document.getElementById('overlay');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 2166136261;
      for (let j = 0; j < d.length; j += 7) h = Math.imul(h ^ d[j], 16777619);
      return `${c.width}x${c.height}:${h >>> 0}`;
    }));
    await page.waitForTimeout(250);
  }
  result.distinctOverlays = hashes.size;
  const hud = await page.evaluate(() => ({
    fps: Number(document.getElementById('hud-fps').textContent),
    skipped: Number(document.getElementById('hud-skipped').textContent),
    p50: Number(document.getElementById('hud-p50').textContent),
    p95: Number(document.getElementById('hud-p95').textContent),
    passes: Number(document.getElementById('hud-passes').textContent),
    answered: window.scorecamLive.hud.answered,
    overlays: window.scorecamLive.state.overlaysDrawn,
    status: window.scorecamLive.state.status,
    caption: document.getElementById('caption').textContent,
  }));
  Object.assign(result, hud);
  await page.screenshot({ path: screenshot });
  // close the tab while a frame is in flight, if one can be caught
  result.inFlightAtClose = await page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    const poll = () => {
      const s = window.scorecamLive.state;
      if (s.inFlight !== null && s.sentAt.has(s.inFlight)) resolve(true);
      else if (performance.now() - t0 > 5000) resolve(false);
      else setTimeout(poll, 0);
    };
    poll();
  }));
  await page.close();
  result.consoleErrors = consoleErrors;
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e && e.message || e).split('\n')[0];
} finally {
  if (context) await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
