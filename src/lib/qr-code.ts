/**
 * The server URL as a QR code, for phones: a PNG in a data: URI, which Raycast's Detail markdown
 * shows like any image (sized with raycast-width/raycast-height). Made on this computer by the
 * `qrcode` package: nothing leaves it.
 */
import { toDataURL } from "qrcode";

/** How large Raycast draws it, in points: big enough for a phone camera at arm's length. */
export const QR_POINTS = 180;

/** A PNG data: URI of `text` as a QR code: black on white with a quiet zone, so it scans in dark mode too. */
export function qrCodeDataUri(text: string): Promise<string> {
  return toDataURL(text, {
    errorCorrectionLevel: "M",
    margin: 2,
    scale: 8,
    color: { dark: "#000000ff", light: "#ffffffff" },
  });
}

/** A markdown image of a QR data: URI, at QR_POINTS square. */
export function qrCodeMarkdown(dataUri: string, alt: string): string {
  return `![${alt.replace(/[[\]]/g, "")}](${dataUri}?raycast-width=${QR_POINTS}&raycast-height=${QR_POINTS})`;
}
