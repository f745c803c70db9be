#!/usr/bin/env bash
# Writes ghz's call data from a folder of frames, in protobuf's JSON mapping of ExplainRequest (bytes as base64):
#   data/explain-unary.json   an array of COUNT requests, one per frame: ghz sends them round-robin
#   data/explain-stream.json  the same COUNT requests with frame_id 1..COUNT: every stream sends them in order,
#                             so each message of a stream has its own frame_id (explain-stream.json's
#                             stream-call-count must not exceed COUNT, or ghz starts over and ids repeat)
# Frames are taken in name order; with fewer frames than COUNT they repeat, and a repeated frame is answered
# from the server's frame cache (forward_passes 0) unless the server runs with --cache-bytes=0.
#   ./make-data.sh [FRAMES_DIR] [MODEL_NAME] [COUNT] [OUT_DIR]
# Defaults: the first models/*/frames folder of the repository, the server's default model, 30, data/ here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
frames="${1:-}"
model="${2:-}"
count="${3:-30}"
out="${4:-$here/data}"
if [[ -z "$frames" ]]; then
  for d in "$here"/../../models/*/frames; do
    if [[ -d "$d" ]]; then frames="$d"; break; fi
  done
fi
if [[ -z "$frames" || ! -d "$frames" ]]; then
  echo "make-data.sh: frames folder '${frames:-models/*/frames}' not found; pass a folder of PNG/JPEG files" >&2
  exit 2
fi
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then
  echo "make-data.sh: COUNT must be a whole number >= 1, got '$count'" >&2
  exit 2
fi
mapfile -t files < <(find "$frames" -maxdepth 1 -type f \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \) | LC_ALL=C sort)
if [[ "${#files[@]}" -eq 0 ]]; then
  echo "make-data.sh: $frames holds no .png, .jpg or .jpeg file" >&2
  exit 2
fi
mkdir -p "$out"
# model names are [A-Za-z0-9._-] (directory names); refuse anything that would need JSON escaping
if [[ -n "$model" && ! "$model" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "make-data.sh: model name '$model' has characters other than letters, digits, '.', '_' and '-'" >&2
  exit 2
fi

write() { # write FILE WITH_IDS
  local file="$1" with_ids="$2" i
  {
    printf '['
    for ((i = 0; i < count; i++)); do
      [[ $i -gt 0 ]] && printf ','
      printf '\n  {'
      [[ -n "$model" ]] && printf '"model": "%s", ' "$model"
      [[ "$with_ids" == yes ]] && printf '"frame_id": "%d", ' "$((i + 1))"
      printf '"top_k": 1, "policy": "BLOCK", "encoded": "%s"}' "$(base64 -w0 "${files[i % ${#files[@]}]}")"
    done
    printf '\n]\n'
  } > "$file"
}
write "$out/explain-unary.json" no
write "$out/explain-stream.json" yes
distinct=$(( ${#files[@]} < count ? ${#files[@]} : count ))
echo "wrote $out/explain-unary.json and $out/explain-stream.json: $count requests, $distinct distinct frames from $frames"
