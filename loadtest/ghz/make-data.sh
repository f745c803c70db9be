#!/usr/bin/env bash
# Writes data/explain-request.json: one ExplainRequest in protobuf's JSON mapping with a real frame as
# base64 PNG/JPEG bytes. Default frame: the bundled model's first frame; default output: data/ here.
#   ./make-data.sh [FRAME_FILE] [MODEL_NAME] [OUTPUT_FILE]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
frame="${1:-$here/../../models/shapes/frames/frame_000.png}"
model="${2:-}"
out="${3:-$here/data/explain-request.json}"
if [[ ! -f "$frame" ]]; then
  echo "make-data.sh: frame '$frame' not found; pass a PNG or JPEG file" >&2
  exit 2
fi
mkdir -p "$(dirname "$out")"
b64="$(base64 -w0 "$frame")"
# frame_id uses ghz's template: every message gets its own id, so responses can be told apart
cat > "$out" <<JSON
{
  "model": "$model",
  "frame_id": "{{.RequestNumber}}",
  "encoded": "$b64",
  "top_k": 1,
  "want_png": true,
  "policy": "BLOCK"
}
JSON
echo "wrote $out from $frame ($(stat -c %s "$frame") bytes)"
