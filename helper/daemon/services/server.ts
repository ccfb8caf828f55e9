/** The server's settings and config, changed one transaction at a time, and where devices reach it. */
import { reachOfListener } from "../../config/reach.js";
import { editedByHand } from "../../config/settings-store.js";
import { changeSettings, type ConfigTarget } from "../../config/transaction.js";
import type { ConfigView, SettingsPatch } from "../../protocol/settings.js";
import type { Reachability } from "../../protocol/types.js";
import { checkReachability, type ReachabilitySources } from "../../reachability/check.js";
import { SerialQueue } from "../../util/serial-queue.js";

export type ServerServiceDeps = ConfigTarget & ReachabilitySources;

export class ServerService {
  /** One settings change at a time: each keeps the previous files and a pending mark of its own. */
  private readonly settingsChanges = new SerialQueue();

  constructor(private readonly deps: ServerServiceDeps) {}

  async view(): Promise<ConfigView> {
    const { paths } = this.deps;
    const { listenAddr, tlsHostname, serverUrl } = this.deps.addresses();
    return {
      settings: this.deps.settings(),
      configPath: paths.headscaleConfig,
      editedByHand: await editedByHand(paths),
      reach: reachOfListener(listenAddr, Boolean(tlsHostname)),
      serverUrl,
    };
  }

  /** Applies the patch as one transaction (see changeSettings), then shows the config as it is. */
  async change(patch: SettingsPatch): Promise<ConfigView> {
    await this.settingsChanges.run(() => changeSettings(this.deps, patch));
    return this.view();
  }

  reachability(): Promise<Reachability> {
    return checkReachability(this.deps);
  }
}
