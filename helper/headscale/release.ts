/**
 * The Headscale release this helper speaks to (its gRPC API is 0.29's), and where the official
 * binaries are, with their SHA-256 pinned here. Pure.
 *
 * The hashes come from public package definitions: linux_amd64 and linux_arm64 from several
 * (a Homebrew tap, Dockerfiles, installers), darwin from a Homebrew tap formula only.
 */

/** The version downloaded, and the series every other Headscale must belong to. */
export const HEADSCALE_VERSION = "0.29.3";
const SUPPORTED_SERIES = /^v?0\.29\.\d+(?:[-+].*)?$/;

export const RELEASE_BASE_URL = `https://github.com/juanfont/headscale/releases/download/v${HEADSCALE_VERSION}`;

const SHA256: Record<string, string> = {
  linux_amd64: "8dc183758024ed7095cf610fedea0790233613c71353bc8be2715d82ba29b92c",
  linux_arm64: "ecf0099f9aa1efb56e7c74718342a493f7d44a840626a2877ca526e675040f4e",
  darwin_arm64: "fb55b6d3d1ef3b850fe02837299ac1853f383a06f561d7f180d36b9ce406904b",
  darwin_amd64: "7c05dba42948d5ba67c281c9cc5b3a9e33d0db4198580ec8b483bdc7f6008dde",
};

export interface ReleaseAsset {
  url: string;
  sha256: string;
  /** linux_amd64, darwin_arm64, …: how the release names the platform. */
  platform: string;
}

/**
 * The official binary for this OS and CPU, or undefined when Headscale publishes none.
 * `override` serves tests: another base URL and the hash of what it serves.
 */
export function releaseAsset(
  os: NodeJS.Platform,
  cpu: string,
  override: { baseUrl?: string; sha256?: string } = {},
): ReleaseAsset | undefined {
  const arch = cpu === "x64" ? "amd64" : cpu === "arm64" ? "arm64" : undefined;
  if ((os !== "linux" && os !== "darwin") || !arch) return undefined;
  const platform = `${os}_${arch}`;
  const base = (override.baseUrl ?? RELEASE_BASE_URL).replace(/\/+$/, "");
  return {
    url: `${base}/headscale_${HEADSCALE_VERSION}_${platform}`,
    sha256: override.sha256 ?? SHA256[platform]!,
    platform,
  };
}

/** Whether a version Headscale reports ("v0.29.3", "0.29.0-beta.1") is one this helper speaks to. */
export function supportedVersion(version: string): boolean {
  return SUPPORTED_SERIES.test(version.trim());
}
