// Raycast wants 512×512 PNG icons: check the extension's and every command's the manifest names.
import { readFileSync } from "node:fs";

const manifest = JSON.parse(readFileSync("package.json", "utf8"));
const icons = [manifest.icon, ...manifest.commands.map((command) => command.icon).filter(Boolean)];
let failed = false;
for (const icon of icons) {
  const png = readFileSync(`assets/${icon}`);
  const isPng = png.subarray(0, 8).toString("hex") === "89504e470d0a1a0a" && png.subarray(12, 16).toString() === "IHDR";
  const [width, height] = isPng ? [png.readUInt32BE(16), png.readUInt32BE(20)] : [0, 0];
  if (!isPng || width !== 512 || height !== 512) {
    console.error(`assets/${icon}: ${isPng ? `${width}×${height}` : "not a PNG"}; Raycast wants a 512×512 PNG`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`${icons.length} icons, each a 512×512 PNG`);
