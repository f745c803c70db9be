#!/usr/bin/env node
// Streams a folder of JPEG/PNG frames to ScoreCAM Server and saves the overlays it sends back.
//   node client.js FOLDER --server localhost:50051 --out overlays --top-k 2
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const DEFAULT_PROTO_DIR = path.join(__dirname, '..', '..', 'proto', 'src', 'main', 'proto');

function parseArgs(argv) {
  const args = { server: 'localhost:50051', out: 'overlays', topK: 1, method: 'SCORE_CAM', maxChannels: 0,
    summary: null, token: null, protoDir: DEFAULT_PROTO_DIR, folder: null };
  const flags = { '--server': 'server', '--out': 'out', '--top-k': 'topK', '--method': 'method',
    '--max-channels': 'maxChannels', '--summary': 'summary', '--token': 'token', '--proto-dir': 'protoDir' };
  for (let i = 0; i < argv.length; i++) {
    const key = flags[argv[i]];
    if (key) {
      if (i + 1 >= argv.length) fail(`${argv[i]} needs a value`);
      args[key] = argv[++i];
    } else if (argv[i].startsWith('--')) {
      fail(`unknown option ${argv[i]}`);
    } else {
      args.folder = argv[i];
    }
  }
  if (!args.folder) fail('usage: node client.js FOLDER [--server HOST:PORT] [--out DIR] [--top-k K] [--method M] [--summary FILE]');
  args.topK = Number(args.topK);
  args.maxChannels = Number(args.maxChannels);
  return args;
}

function fail(message) {
  console.error(`scorecam-client: ${message}`);
  process.exit(1);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(args.folder) || !fs.statSync(args.folder).isDirectory()) fail(`${args.folder} is not a folder`);
  const files = fs.readdirSync(args.folder).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  if (files.length === 0) fail(`${args.folder} holds no .jpg, .jpeg or .png file`);
  fs.mkdirSync(args.out, { recursive: true });

  // keepCase: the proto's snake_case field names; enums and 64-bit ids as strings
  const definition = protoLoader.loadSync('scorecam/v1/explain.proto', {
    includeDirs: [args.protoDir], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  });
  const api = grpc.loadPackageDefinition(definition).scorecam.v1;
  const client = new api.ExplainService(args.server, grpc.credentials.createInsecure(),
    { 'grpc.max_receive_message_length': 256 * 1024 * 1024 });
  const metadata = new grpc.Metadata();
  if (args.token) metadata.set('authorization', `Bearer ${args.token}`);

  const summary = [];
  const call = client.ExplainStream(metadata);
  call.on('data', (r) => {
    const file = files[Number(r.frame_id) - 1];
    const stem = file.replace(/\.[^.]+$/, '');
    const entry = { file, frame_id: Number(r.frame_id), status: r.status, error: r.error_message,
      forward_passes: r.forward_passes, maps: [] };
    for (const m of r.maps) {
      const overlay = `${stem}.class-${m.class_id}.jpg`;
      fs.writeFileSync(path.join(args.out, overlay), m.overlay_jpeg);
      let sum = 0; let max = 0; let argmax = -1;
      m.values.forEach((v, i) => { sum += v; if (argmax < 0 || v > max) { max = v; argmax = i; } });
      entry.maps.push({ class_id: m.class_id, label: m.label, width: m.width, height: m.height,
        count: m.values.length, sum, max, argmax, overlay });
    }
    summary.push(entry);
    console.log(`${file}: ${entry.status} ${entry.maps.map((m) => `class ${m.class_id} ${m.label}`).join(', ')}`);
  });
  call.on('error', (e) => fail(`${grpc.status[e.code]}: ${e.details}`));
  call.on('end', () => {
    if (args.summary) fs.writeFileSync(args.summary, JSON.stringify({ frames: summary }, null, 1));
    console.log(`overlays in ${path.resolve(args.out)}`);
    client.close();
  });

  // write() returns false when the stream's buffer is full: wait for 'drain' (the server's backpressure)
  let next = 0;
  const sendMore = () => {
    while (next < files.length) {
      const i = next++;
      const ok = call.write({ frame_id: i + 1, encoded: fs.readFileSync(path.join(args.folder, files[i])),
        top_k: args.topK, method: args.method, max_channels: args.maxChannels, want_values: true, want_overlay: true });
      if (!ok) { call.once('drain', sendMore); return; }
    }
    call.end();
  };
  sendMore();
}

main();
