// Numbers of the HUD, over a sliding window: answered frames/s (last 2 s), skipped frames (source frames that
// found a frame already in flight, plus frames the server answered SKIPPED), p50/p95 round trip and forward
// passes per frame over the last 100 answers.
const WINDOW_MS = 2000;
const RECENT = 100;

export class Hud {
  constructor(doc) {
    this.el = (id) => doc.getElementById(id);
    this.answerTimes = [];
    this.latencies = [];
    this.passes = [];
    this.skipped = 0;
    this.answered = 0;
    this.inFlight = 0;
  }

  answeredFrame(nowMs, latencyMs, passes) {
    this.answered++;
    this.answerTimes.push(nowMs);
    this.latencies.push(latencyMs);
    this.passes.push(passes);
    if (this.latencies.length > RECENT) { this.latencies.shift(); this.passes.shift(); }
  }

  skippedFrame() { this.skipped++; }

  fps(nowMs) {
    while (this.answerTimes.length && this.answerTimes[0] < nowMs - WINDOW_MS) this.answerTimes.shift();
    return this.answerTimes.length / (WINDOW_MS / 1000);
  }

  static percentile(values, p) {
    if (!values.length) return NaN;
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
  }

  render(nowMs, status) {
    const fmt = (v) => Number.isNaN(v) ? '-' : v.toFixed(1);
    this.el('hud-fps').textContent = this.fps(nowMs).toFixed(1);
    this.el('hud-skipped').textContent = String(this.skipped);
    this.el('hud-p50').textContent = fmt(Hud.percentile(this.latencies, 50));
    this.el('hud-p95').textContent = fmt(Hud.percentile(this.latencies, 95));
    const meanPasses = this.passes.length ? this.passes.reduce((a, b) => a + b, 0) / this.passes.length : NaN;
    this.el('hud-passes').textContent = fmt(meanPasses);
    this.el('hud-inflight').textContent = String(this.inFlight);
    this.el('hud-answered').textContent = String(this.answered);
    if (status !== undefined) this.el('hud-status').textContent = status;
  }
}
