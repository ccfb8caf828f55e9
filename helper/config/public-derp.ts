/**
 * A static map of Tailscale's public DERP relays, for tailnets whose devices are really
 * remote. Static on purpose: fetching the live map at start-up would make Headscale
 * depend on the internet to start, and a changed map would change the config under a running
 * Headscale. Hostnames only; clients resolve them.
 */
import { stringify } from "yaml";

const REGIONS: [id: number, code: string, name: string][] = [
  [1, "nyc", "New York City"],
  [2, "sfo", "San Francisco"],
  [3, "sin", "Singapore"],
  [4, "fra", "Frankfurt"],
  [5, "syd", "Sydney"],
  [6, "blr", "Bangalore"],
  [7, "tok", "Tokyo"],
  [8, "lhr", "London"],
  [9, "dfw", "Dallas"],
  [10, "sea", "Seattle"],
  [11, "sao", "São Paulo"],
  [12, "ord", "Chicago"],
  [13, "den", "Denver"],
  [14, "ams", "Amsterdam"],
  [16, "mia", "Miami"],
  [17, "lax", "Los Angeles"],
  [18, "par", "Paris"],
  [19, "mad", "Madrid"],
  [20, "hkg", "Hong Kong"],
  [21, "tor", "Toronto"],
  [22, "waw", "Warsaw"],
  [24, "hnl", "Honolulu"],
  [25, "nai", "Nairobi"],
];

export function renderPublicDerpMap(): string {
  // A Map, not an object: Headscale reads region ids as YAML integers, and object keys would be
  // written as strings ("1":), which it refuses to start with.
  const regions = new Map<number, unknown>();
  for (const [id, code, name] of REGIONS) {
    regions.set(id, {
      regionid: id,
      regioncode: code,
      regionname: name,
      nodes: [{ name: `${id}a`, regionid: id, hostname: `derp${id}.tailscale.com`, stunport: 0, derpport: 0 }],
    });
  }
  return stringify({ regions });
}
