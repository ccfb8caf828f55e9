// Draws the extension icon and one per command (assets/*.png, 512×512): three linked nodes on
// a rounded square, in a colour per command. Kept as code so the icons can be re-made; run it
// by hand after changing it.
import { readFileSync, writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SIZE = 512;
// Each icon's gradient, top colour then bottom, as RGB.
const ICONS = JSON.parse(readFileSync(new URL("./icon-colours.json", import.meta.url), "utf8"));

function draw([top, bottom]) {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  const nodes = [
    [256, 150],
    [150, 340],
    [362, 340],
  ];
  const distToSegment = (px, py, [ax, ay], [bx, by]) => {
    const t = Math.max(
      0,
      Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
    );
    return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
  };
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 4;
      // Rounded square with a vertical gradient from indigo to teal.
      const r = 110;
      const cx = Math.min(Math.max(x, r + 16), SIZE - r - 16);
      const cy = Math.min(Math.max(y, r + 16), SIZE - r - 16);
      const inside = Math.hypot(x - cx, y - cy) <= r;
      if (!inside) continue;
      const t = y / SIZE;
      let [red, green, blue] = top.map((from, k) => Math.round(from + (bottom[k] - from) * t));
      const onLink = [0, 1, 2].some((k) => distToSegment(x, y, nodes[k], nodes[(k + 1) % 3]) < 11);
      const onNode = nodes.some(([nx, ny]) => Math.hypot(x - nx, y - ny) < 52);
      if (onLink || onNode) [red, green, blue] = [255, 255, 255];
      pixels.set([red, green, blue, 255], i);
    }
  }
  return pixels;
}

function encode(pixels) {
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) pixels.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const png = Buffer.concat([
    Buffer.from("89504e470d0a1a0a", "hex"),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
  return png;
}

for (const [file, colors] of Object.entries(ICONS)) {
  const png = encode(draw(colors));
  writeFileSync(new URL(`../assets/${file}`, import.meta.url), png);
  console.log(`assets/${file}: ${png.length} bytes`);
}
