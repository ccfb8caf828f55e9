/**
 * What the helper holds that changes while it runs: the settings in force, the addresses Headscale
 * really listens on, and the version of the binary it last started. Changed only through these
 * methods, which the supervisor and `config set` call.
 */
import { existsSync } from "node:fs";
import type { HeadscaleAddresses } from "../config/addresses.js";
import { ensureHeadscaleConfig, loadAddresses } from "../config/settings-store.js";
import { checkedVersion, findHeadscale } from "../headscale/binary.js";
import type { HomePaths } from "../home/paths.js";
import type { Settings } from "../protocol/settings.js";

export class HelperState {
  /** The settings Headscale's config was last rendered from. */
  private ensuredFor: Settings | undefined;
  private version: string | null = null;

  /** `settings` must be those config.yaml was just ensured for, and `addresses` read from it. */
  constructor(
    private readonly paths: HomePaths,
    private current: Settings,
    private listening: HeadscaleAddresses,
  ) {
    this.ensuredFor = current;
  }

  /** The settings in force (they change with config.set). */
  settings(): Settings {
    return this.current;
  }

  /** Where Headscale listens and what URL devices use, as it runs now. */
  addresses(): HeadscaleAddresses {
    return this.listening;
  }

  /** The URL devices log in to, as Headscale runs now. */
  serverUrl(): string {
    return this.listening.serverUrl;
  }

  /** The version of the binary last started, once one was. */
  headscaleVersion(): string | null {
    return this.version;
  }

  /**
   * Before each start: what Headscale really listens on, re-read, as config.yaml may have been
   * edited by hand (or removed: then it is generated again).
   */
  async prepareStart(): Promise<void> {
    const { paths } = this;
    // Rendering and comparing the config costs a few ms of every start: only when the settings
    // changed since, or a file Headscale needs is gone.
    if (this.ensuredFor !== this.current || !existsSync(paths.headscaleConfig) || !existsSync(paths.extraRecords)) {
      await ensureHeadscaleConfig(paths, this.current);
      this.ensuredFor = this.current;
    }
    this.listening = await loadAddresses(paths, this.current);
  }

  /** The binary these settings name, or the one found or downloaded. */
  binaryFor(settings: Settings): Promise<string> {
    return findHeadscale(settings.headscalePath, { downloaded: this.paths.downloadedHeadscale });
  }

  /** The binary to start now; another series speaks another API: refused before it starts, in one line. */
  async binaryToStart(): Promise<string> {
    const binary = await this.binaryFor(this.current);
    this.version = await checkedVersion(binary); // cached per file
    return binary;
  }

  /** New settings in force (already saved by config.set's transaction). */
  async setSettings(next: Settings): Promise<void> {
    this.current = next;
    // A generated config follows the settings; a hand-edited one keeps its own addresses and socket.
    this.listening = await loadAddresses(this.paths, next);
  }
}
