/**
 * The service definitions that keep the helper running: a launchd agent on macOS, a
 * systemd user unit on Linux. Pure text; install.ts puts them in place.
 */
import { HELPER_ENV, HELPER_NODE_FLAGS } from "../project.js";
export interface ServiceSpec {
  nodePath: string;
  /** The helper's entry, run as `node <flags> <entry>`. */
  entryPath: string;
  home: string;
}

const environment = (home: string) => ({ ...HELPER_ENV, HEADSCALE_REMOTE_HOME: home });

export const LAUNCHD_LABEL = "com.headscale-remote.helper";
export const SYSTEMD_UNIT = "headscale-remote.service";

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function launchdPlist({ nodePath, entryPath, home }: ServiceSpec): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
    <string>${xml(nodePath)}</string>
${HELPER_NODE_FLAGS.map((flag) => `    <string>${xml(flag)}</string>\n`).join("")}    <string>${xml(entryPath)}</string>
  </array>
  <key>EnvironmentVariables</key>
  <dict>
${Object.entries(environment(home))
  .map(([name, value]) => `    <key>${xml(name)}</key><string>${xml(value)}</string>\n`)
  .join("")}  </dict>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
  <key>ProcessType</key><string>Background</string>
  <key>StandardErrorPath</key><string>${xml(home)}/logs/helper-stderr.log</string>
</dict>
</plist>
`;
}

/**
 * systemd quotes arguments with C-style escapes inside double quotes, and expands `%`
 * specifiers even there: a literal `%` is written `%%`.
 */
const quote = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%")}"`;

export function systemdUnit({ nodePath, entryPath, home }: ServiceSpec): string {
  return `[Unit]
Description=Headscale Remote helper (supervises Headscale)
After=network.target

[Service]
Type=simple
${Object.entries(environment(home))
  .map(([name, value]) => `Environment=${quote(`${name}=${value}`)}`)
  .join("\n")}
ExecStart=${[nodePath, ...HELPER_NODE_FLAGS, entryPath].map(quote).join(" ")}
Restart=on-failure
RestartSec=2
KillMode=mixed
TimeoutStopSec=15

[Install]
WantedBy=default.target
`;
}
