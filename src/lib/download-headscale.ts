/**
 * Headscale for a store user, who has no Go: the official 0.29.3, downloaded by this command's own
 * process into the helper's home (checked against its pinned SHA-256), with progress in a toast.
 */
import { getPreferenceValues, showToast, Toast } from "@raycast/api";
import { tmpdir } from "node:os";
import {
  checkHome,
  downloadHeadscale,
  HEADSCALE_VERSION,
  homePaths,
  resolveHome,
  type DownloadProgress,
} from "../../helper/client/index.js";

export const DOWNLOAD_TITLE = `Download Headscale ${HEADSCALE_VERSION}`;

/** "37% of 74.1 MiB", or the MiB so far when the size is not known. */
export function progressText({ received, total }: DownloadProgress): string {
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
  return total ? `${Math.floor((received / total) * 100)}% of ${mib(total)} MiB` : `${mib(received)} MiB`;
}

/** Downloads with a progress toast; true when Headscale is in place. The failure is the toast's one line. */
export async function downloadWithToast(): Promise<boolean> {
  const toast = await showToast({ style: Toast.Style.Animated, title: `Downloading Headscale ${HEADSCALE_VERSION}…` });
  const home = getPreferenceValues<{ home?: string }>().home?.trim() || undefined;
  let shown = "";
  try {
    const paths = homePaths(resolveHome(home), tmpdir());
    await checkHome(paths); // never into a folder that is not a home of ours
    await downloadHeadscale({
      target: paths.downloadedHeadscale,
      onProgress: (progress) => {
        const text = progressText(progress);
        if (text !== shown) toast.message = shown = text; // a toast redraw per percent, not per chunk
      },
    });
    toast.style = Toast.Style.Success;
    toast.title = `Headscale ${HEADSCALE_VERSION} downloaded`;
    toast.message = undefined;
    return true;
  } catch (error) {
    toast.style = Toast.Style.Failure;
    toast.title = "Could not download Headscale";
    toast.message = (error as Error).message;
    return false;
  }
}
