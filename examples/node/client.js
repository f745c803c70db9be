#!/usr/bin/env node
// Streams a folder of JPEG/PNG frames to ScoreCAM Server and saves the overlays it sends back.
//   node client.js FOLDER --server localhost:50051 --out overlays --top-k 2
'use strict';
const fs = require('fs');
const path = require('path');
const { parseArgs: parseCommandLine } = require('util');

const DEFAULT_PROTO_DIR = path.join(__dirname, '..', '..', 'proto', 'src', 'main', 'proto');

const USAGE = `usage: node client.js FOLDER [options]

Streams the .jpg/.jpeg/.png files of FOLDER (sorted by name) over ExplainStream and saves the JET overlays
the server draws.

options:
  --server HOST:PORT   server address (default: localhost:50051)
  --token TOKEN        bearer token, when the server requires one
  --out DIR            where the overlays go (default: overlays)
  --top-k K            explain the K best classes (default: 1)
  --method M           SCORE_CAM (default), FASTER_SCORE_CAM, RECIPRO_CAM, EIGEN_CAM
  --max-channels N     FASTER_SCORE_CAM: channels to score (default: the server's)
  --summary FILE       write what was received per frame as JSON
  --proto-dir DIR      where scorecam/v1/explain.proto lives (default: the repository's proto/)
  -h, --help           this text`;

function parseArgs(argv) {
  let parsed;
  try {
    parsed = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: 'string', default: 'localhost:50051' },
        token: { type: 'string' },
        out: { type: 'string', default: 'overlays' },
        'top-k': { type: 'string', default: '1' },
        method: { type: 'string', default: 'SCORE_CAM' },
        'max-channels': { type: 'string', default: '0' },
        summary: { type: 'string' },
        'proto-dir': { type: 'string', default: DEFAULT_PROTO_DIR },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    fail(`${e.message} (--help lists the options)`);
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (parsed.positionals.length !== 1) fail('give exactly one FOLDER (--help lists the options)');
  const args = { server: v.server, out: v.out, topK: Number(v['top-k']), method: v.method,
    maxChannels: Number(v['max-channels']), summary: v.summary || null, token: v.token || null,
    protoDir: v['proto-dir'], folder: parsed.positionals[0] };
  if (!Number.isInteger(args.topK) || args.topK < 1) fail(`--top-k must be a whole number >= 1, got ${v['top-k']}`);
  if (!Number.isInteger(args.maxChannels) || args.maxChannels < 0) fail(`--max-channels must be >= 0, got ${v['max-channels']}`);
  return args;
}

// loaded after the command line is read, so --help works before `npm ci`
function loadGrpc() {
  try {
    return { grpc: require('@grpc/grpc-js'), protoLoader: require('@grpc/proto-loader') };
  } catch (e) {
    fail(`cannot load @grpc/grpc-js and @grpc/proto-loader: run 'npm ci' in ${__dirname} (${e.code || e.message})`);
  }
}

function fail(message) {
  console.error(`scorecam-client: ${message}`);
  process.exit(1);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const { grpc, protoLoader } = loadGrpc();
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
