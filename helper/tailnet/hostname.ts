/**
 * The tailnet name of this computer: its machine name, lowercased, anything but letters and
 * digits turned into single dashes ("Curtiss' Mac Studio.local" → "curtiss-mac-studio"), so
 * it is a valid DNS label that Headscale keeps as given.
 */
export function tailnetHostname(machineName: string): string {
  const label = machineName.replace(/\.local$/i, "").split(".")[0] ?? "";
  const clean = label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/'/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return clean || "headscale-remote";
}
