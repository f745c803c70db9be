// ScoreCAM live viewer: the browser's camera or a local video file, frame by frame to the server over one
// WebSocket, the overlay drawn next to the original. One frame in flight; while it is, newer video frames are
// skipped, so the newest frame always goes next (the LATEST policy on the page's side).
import { frameMessage, parseAnswer, socketUrl } from './protocol.js';
import { Hud } from './hud.js';

const $ = (id) => document.getElementById(id);
const video = $('video');
const overlay = $('overlay');
const hud = new Hud(document);
const capture = document.createElement('canvas');
const MAX_WIDTH = 640; // frames are scaled down to this before they are sent
const JPEG_QUALITY = 0.85;

const state = { ws: null, models: [], nextId: 1, inFlight: null, sentAt: new Map(), playing: false,
  status: 'choose Camera or a video file', lastError: '', overlaysDrawn: 0 };
window.scorecamLive = { hud, state };

function tokenQuery() {
  const t = new URLSearchParams(location.search).get('token');
  return t ? `?token=${encodeURIComponent(t)}` : '';
}

async function loadModels() {
  const r = await fetch('/api/models' + tokenQuery());
  if (!r.ok) throw new Error(`models: HTTP ${r.status}`);
  state.models = (await r.json()).models;
  const select = $('model');
  select.replaceChildren(...state.models.map((m) => new Option(m.name, m.name, m.default, m.default)));
  fillModelChoices();
}

function currentModel() {
  return state.models.find((m) => m.name === $('model').value) || state.models[0];
}

function fillModelChoices() {
  const m = currentModel();
  const methods = m && m.methods.length ? m.methods : ['SCORE_CAM'];
  $('method').replaceChildren(...methods.map((x) => new Option(x, x)));
  const classes = [new Option('top-1', 'top:1'), new Option('top-3', 'top:3'), new Option('top-5', 'top:5')];
  const n = m ? Math.min(m.classes, 1000) : 0;
  for (let i = 0; i < n; i++) {
    classes.push(new Option(`${i}: ${m.labels[i] || 'class ' + i}`, `id:${i}`));
  }
  $('class').replaceChildren(...classes);
}

function settings() {
  const cls = $('class').value || 'top:1';
  const s = { model: $('model').value || '', method: $('method').value, convention: $('convention').value, topK: 1, classes: [] };
  if (cls.startsWith('top:')) s.topK = Number(cls.slice(4));
  else s.classes = [Number(cls.slice(3))];
  return s;
}

function sendSettings() {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(settings()));
}

function connect() {
  const ws = new WebSocket(socketUrl(location));
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => { sendSettings(); setStatus(state.playing ? 'streaming' : 'connected: choose Camera or a video file'); };
  ws.onmessage = (e) => (typeof e.data === 'string' ? onText(e.data) : onAnswer(e.data));
  ws.onclose = () => {
    state.inFlight = null;
    hud.inFlight = 0;
    setStatus('disconnected from the server; retrying');
    setTimeout(connect, 1000);
  };
  state.ws = ws;
}

function onText(text) {
  const m = JSON.parse(text);
  if (m.type === 'settings' && !m.ok) setStatus('settings refused: ' + m.error);
}

async function onAnswer(buffer) {
  const { json, overlay: jpeg } = parseAnswer(buffer);
  const now = performance.now();
  const sentAt = state.sentAt.get(json.frame);
  state.sentAt.delete(json.frame);
  if (state.inFlight === json.frame) {
    state.inFlight = null;
    hud.inFlight = 0;
  }
  if (json.status === 'SKIPPED') {
    hud.skippedFrame();
    return;
  }
  hud.answeredFrame(now, sentAt === undefined ? NaN : now - sentAt, json.passes || 0);
  if (json.status === 'ERROR') {
    state.lastError = `${json.errorCode}: ${json.error}`;
    setStatus('frame error: ' + state.lastError);
    return;
  }
  if (jpeg) {
    const bitmap = await createImageBitmap(jpeg);
    if (overlay.width !== bitmap.width || overlay.height !== bitmap.height) {
      overlay.width = bitmap.width;
      overlay.height = bitmap.height;
    }
    overlay.getContext('2d').drawImage(bitmap, 0, 0);
    bitmap.close();
    state.overlaysDrawn++;
  }
  const map = json.maps && json.maps[0];
  $('caption').textContent = map
    ? `${map.agnostic ? 'class-agnostic' : (map.label || 'class ' + map.id) + ' ' + (100 * map.p).toFixed(1) + '%'} · ${$('method').value}`
    : 'overlay';
  $('predictions').replaceChildren(...(json.predictions || []).slice(0, 5).map((p) => {
    const li = document.createElement('li');
    li.textContent = `${p.label || 'class ' + p.id}: ${(100 * p.p).toFixed(1)}%`;
    return li;
  }));
  if (state.status !== 'streaming') setStatus('streaming');
}

function setStatus(s) {
  state.status = s;
  hud.render(performance.now(), s);
}

/** One video frame is ready: send it if nothing is in flight, else it is skipped (newest wins). */
function onVideoFrame() {
  if (!state.playing) return;
  scheduleFrame();
  if (!video.videoWidth || !state.ws || state.ws.readyState !== WebSocket.OPEN) return;
  if (state.inFlight !== null) {
    hud.skippedFrame();
    return;
  }
  const id = state.nextId++;
  state.inFlight = id;
  hud.inFlight = 1;
  const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
  capture.width = Math.round(video.videoWidth * scale);
  capture.height = Math.round(video.videoHeight * scale);
  capture.getContext('2d').drawImage(video, 0, 0, capture.width, capture.height);
  capture.toBlob(async (blob) => {
    if (!blob || !state.ws || state.ws.readyState !== WebSocket.OPEN) {
      state.inFlight = null;
      hud.inFlight = 0;
      return;
    }
    const bytes = await blob.arrayBuffer();
    state.sentAt.set(id, performance.now());
    state.ws.send(frameMessage(id, bytes));
  }, 'image/jpeg', JPEG_QUALITY);
}

function scheduleFrame() {
  if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(onVideoFrame);
  else requestAnimationFrame(onVideoFrame);
}

async function play(source) {
  stop();
  if (source instanceof MediaStream) {
    video.srcObject = source;
  } else {
    video.srcObject = null;
    video.src = source;
    video.loop = true;
  }
  await video.play();
  state.playing = true;
  $('stop').disabled = false;
  setStatus('streaming');
  scheduleFrame();
}

function stop() {
  state.playing = false;
  $('stop').disabled = true;
  if (video.srcObject) video.srcObject.getTracks().forEach((t) => t.stop());
  video.srcObject = null;
}

$('camera').onclick = async () => {
  try {
    await play(await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false }));
  } catch (e) {
    setStatus('camera: ' + e.message);
  }
};
$('file').onchange = () => {
  const f = $('file').files[0];
  if (f) play(URL.createObjectURL(f)).catch((e) => setStatus('video file: ' + e.message));
};
$('stop').onclick = () => { stop(); setStatus('stopped'); };
$('model').onchange = () => { fillModelChoices(); sendSettings(); };
for (const id of ['method', 'convention', 'class']) $(id).onchange = sendSettings;
setInterval(() => hud.render(performance.now()), 250);

loadModels().then(connect).catch((e) => setStatus('cannot load the models: ' + e.message));
