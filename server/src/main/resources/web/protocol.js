// The viewer's WebSocket protocol (see server/.../web/LiveSession.java):
//   page -> server  text:   settings JSON {model, method, convention, topK, classes}
//                   binary: [u32 big-endian frame id][JPEG bytes]
//   server -> page  text:   {"type":"settings","ok":bool,"error":...}
//                   binary: [u32 JSON length][answer JSON][overlay JPEG of the first map, may be empty]

export function frameMessage(id, jpegBytes) {
  const out = new Uint8Array(4 + jpegBytes.byteLength);
  new DataView(out.buffer).setUint32(0, id >>> 0, false);
  out.set(new Uint8Array(jpegBytes), 4);
  return out;
}

export function parseAnswer(buffer) {
  const view = new DataView(buffer);
  const jsonLength = view.getUint32(0, false);
  const json = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, jsonLength)));
  const overlay = buffer.byteLength > 4 + jsonLength ? new Blob([new Uint8Array(buffer, 4 + jsonLength)], { type: 'image/jpeg' }) : null;
  return { json, overlay };
}

export function socketUrl(location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}/live` + (token ? `?token=${encodeURIComponent(token)}` : '');
}
