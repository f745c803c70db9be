#!/bin/bash
# A camera-like source made from still photos: a slow pan (with a little vertical drift) over the photos side by
# side, WxH at FPS for SECONDS, written as an H.264 video (for `scorecam replay VIDEO --realtime`) and as the
# same frames in JPEG files (for stream_bench.py). Every frame differs from the others, so a server's frame
# cache never answers one: what is measured is the work of unique frames.
#   make-camera-frames.sh OUT_DIR WxH FPS SECONDS PHOTO...
# writes OUT_DIR/pan.mp4 and OUT_DIR/frames/frame_000001.jpg ...
set -euo pipefail
if [ $# -lt 5 ]; then
  echo "usage: $0 OUT_DIR WxH FPS SECONDS PHOTO..." >&2
  exit 2
fi
out=$1 size=$2 fps=$3 seconds=$4
shift 4
w=${size%x*} h=${size#*x}
command -v ffmpeg >/dev/null || { echo "ffmpeg is needed (apt-get install ffmpeg)" >&2; exit 1; }
sh=$((h * 18 / 20 * 2)) cw=$((w * 15 / 20 * 2)) ch=$((h * 15 / 20 * 2))   # even: yuv420p
inputs=() scales="" labels=""
i=0
for photo in "$@"; do
  [ -f "$photo" ] || { echo "no such photo: $photo" >&2; exit 1; }
  inputs+=(-loop 1 -framerate "$fps" -i "$photo")
  # each photo at 1.8 x the output height, so a 1.5 x window can move both ways
  scales+="[$i:v]scale=-2:$sh,setsar=1,format=yuv420p[s$i];"
  labels+="[s$i]"
  i=$((i + 1))
done
if [ "$i" -gt 1 ]; then strip="${labels}hstack=inputs=$i[strip];"; else strip="[s0]null[strip];"; fi
# pan: there and back once over the clip (smooth), drift: a slow vertical sine
pan="[strip]pad=w='max(iw\\,$cw)':h=ih:x=0:y=0,crop=$cw:$ch:x='(iw-$cw)*(0.5-0.5*cos(2*PI*t/$seconds))':y='(ih-$ch)*(0.5-0.5*sin(2*PI*t/7))',scale=$w:$h,format=yuv420p[v]"
mkdir -p "$out/frames"
ffmpeg -v error -y "${inputs[@]}" -filter_complex "$scales$strip$pan" -map '[v]' -t "$seconds" -r "$fps" \
  -c:v libx264 -preset veryfast -crf 20 "$out/pan.mp4"
ffmpeg -v error -y -i "$out/pan.mp4" -q:v 3 "$out/frames/frame_%06d.jpg"
echo "$out/pan.mp4: $(ls "$out/frames" | wc -l) frames of ${w}x${h} at $fps fps ($(du -sh "$out/frames" | cut -f1) of JPEG)"
