/** The server URL's QR code: a real PNG, which a QR reader turns back into the URL. */
import { crc32, inflateSync } from "node:zlib";
import decodeQR from "@paulmillr/qr/decode.js";
import { describe, expect, it } from "vitest";
import { qrCodeDataUri, qrCodeMarkdown, QR_POINTS } from "../../src/lib/qr-code.js";

interface Png {
  width: number;
  height: number;
  /** RGBA, row by row. */
  data: Uint8Array;
}

/** Reads an 8-bit RGBA PNG, checking its signature and every chunk's CRC: enough for what qrcode writes. */
function readPng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  let offset = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.subarray(offset + 4, offset + 8).toString("latin1");
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length), `CRC of ${type}`).toBe(
      crc32(bytes.subarray(offset + 4, offset + 8 + length)),
    );
    if (type === "IHDR") header = body;
    if (type === "IDAT") idat.push(body);
    if (type === "IEND") ended = true;
    offset += 12 + length;
  }
  expect(ended).toBe(true);
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  expect([header![8], header![9]], "8-bit RGBA").toEqual([8, 6]);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= 4 ? data[y * stride + x - 4]! : 0;
      const up = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const upLeft = x >= 4 && y > 0 ? data[(y - 1) * stride + x - 4]! : 0;
      const paeth = () => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predicted = [0, left, up, (left + up) >> 1, paeth()][filter]!;
      data[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  return { width, height, data };
}

const pngOf = (dataUri: string) => {
  expect(dataUri).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  return Buffer.from(dataUri.slice(dataUri.indexOf(",") + 1), "base64");
};

describe("the server URL's QR code", () => {
  it("is a PNG that a QR reader turns back into the URL", async () => {
    for (const url of ["http://127.0.0.1:8080", "https://hs.example.com", "http://192.168.1.10:8080"]) {
      const png = readPng(pngOf(await qrCodeDataUri(url)));
      expect(png.width).toBe(png.height);
      expect(png.width).toBeGreaterThanOrEqual(200); // sharp enough at QR_POINTS on a Retina screen
      expect(decodeQR(png)).toBe(url);
    }
  });

  it("changes with the URL and is the same for the same URL", async () => {
    const a = await qrCodeDataUri("https://hs.example.com");
    expect(await qrCodeDataUri("https://hs.example.com")).toBe(a);
    expect(await qrCodeDataUri("https://hs.example.org")).not.toBe(a);
  });

  it("is black on white with a quiet zone, so it scans in dark mode too", async () => {
    const { width, data } = readPng(pngOf(await qrCodeDataUri("https://hs.example.com")));
    const pixel = (x: number, y: number) => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    expect(pixel(0, 0)).toEqual([255, 255, 255, 255]); // the margin
    expect(pixel(width - 1, width - 1)).toEqual([255, 255, 255, 255]);
    // Two modules of margin, 8 pixels each: then the top-left finder pattern's black corner.
    expect(pixel(15, 15)).toEqual([255, 255, 255, 255]);
    expect(pixel(16, 16)).toEqual([0, 0, 0, 255]);
  });

  it("is a markdown image Raycast sizes", () => {
    expect(qrCodeMarkdown("data:image/png;base64,AAAA", "QR code of [x]")).toBe(
      `![QR code of x](data:image/png;base64,AAAA?raycast-width=${QR_POINTS}&raycast-height=${QR_POINTS})`,
    );
  });
});
