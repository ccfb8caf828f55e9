/** The launchd agent and systemd unit texts (pure). */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launchdPlist, systemdUnit } from "../../helper/service/units.js";
import { HELPER_ENV, HELPER_NODE_FLAGS, projectRoot } from "../../helper/project.js";

describe("service definitions", () => {
  const spec = {
    nodePath: "/usr/bin/node",
    entryPath: "/opt/hr/assets/helper.mjs",
    home: "/Users/me/Library/Application Support/Headscale Remote",
  };
  it("launchd agent runs the helper at load and keeps it alive", () => {
    const plist = launchdPlist(spec);
    expect(plist).toContain("<string>/opt/hr/assets/helper.mjs</string>\n  </array>");
    expect(plist).toContain("<key>RunAtLoad</key><true/>");
    expect(plist).toContain("Application Support/Headscale Remote</string>");
  });
  it("systemd unit quotes paths with spaces and restarts on failure", () => {
    const unit = systemdUnit(spec);
    expect(unit).toContain(
      'ExecStart="/usr/bin/node" "--max-semi-space-size=2" "--expose-gc" "/opt/hr/assets/helper.mjs"\n',
    );
    expect(unit).toContain(
      'Environment="HEADSCALE_REMOTE_HOME=/Users/me/Library/Application Support/Headscale Remote"',
    );
    expect(unit).toContain("Restart=on-failure");
  });
  it("systemd unit keeps a % in a path literal, and both write stderr to the one documented file", () => {
    const unit = systemdUnit({ ...spec, home: "/home/me/100% mine" });
    expect(unit).toContain('Environment="HEADSCALE_REMOTE_HOME=/home/me/100%% mine"');
    expect(launchdPlist(spec)).toContain("/logs/helper-stderr.log</string>");
  });
  it("start the helper with its Node flags and environment, as the launcher and npm start do", () => {
    const unit = systemdUnit(spec);
    expect(unit).toContain('Environment="MALLOC_MMAP_THRESHOLD_=16384"');
    expect(launchdPlist(spec)).toContain("<key>MALLOC_MMAP_THRESHOLD_</key><string>16384</string>");
    const manifest = JSON.parse(readFileSync(join(projectRoot()!, "package.json"), "utf8"));
    const start = Object.entries(HELPER_ENV).map(([name, value]) => `${name}=${value}`);
    // npm start first builds what is missing (scripts/ensure-built.mjs), then runs the helper as the units do.
    expect(manifest.scripts.start).toBe(
      ["node scripts/ensure-built.mjs &&", ...start, "node", ...HELPER_NODE_FLAGS, "assets/helper.mjs"].join(" "),
    );
  });
});
