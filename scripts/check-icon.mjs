// Raycast requires a 512×512 PNG extension icon; check the one the manifest names.
import { readFileSync } from "node:fs";

const manifest = JSON.parse(readFileSync("package.json", "utf8"));
const png = readFileSync(`assets/${manifest.icon}`);
const signature = png.subarray(0, 8).toString("hex");
const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
if (signature !== "89504e470d0a1a0a" || png.subarray(12, 16).toString() !== "IHDR") {
  console.error(`assets/${manifest.icon} is not a PNG`);
  process.exit(1);
}
if (width !== 512 || height !== 512) {
  console.error(`assets/${manifest.icon} is ${width}×${height}; Raycast wants 512×512`);
  process.exit(1);
}
console.log(`assets/${manifest.icon}: 512×512 PNG`);
