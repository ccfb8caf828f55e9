/** How the test clients run tailscaled: in userspace mode, with a fresh temp folder for its state and socket. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot } from "../helper/project.js";

export interface Tailscaled {
  /** Where tailscaled and tailscale are (built by `npm run build:go`). */
  bin: string;
  dir: string;
  socket: string;
  /** tailscaled's arguments: state and socket in `dir`, any port, no log upload, a SOCKS5 proxy if given one. */
  args: string[];
}

export async function tailscaledIn(prefix: string, socks5Port?: number): Promise<Tailscaled> {
  // Short: the socket path must fit in 104 bytes.
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const socket = join(dir, "tailscaled.sock");
  const args = [
    "--tun=userspace-networking",
    `--statedir=${join(dir, "state")}`,
    `--socket=${socket}`,
    "--port=0",
    "--no-logs-no-support",
    ...(socks5Port ? [`--socks5-server=127.0.0.1:${socks5Port}`] : []),
  ];
  return { bin: join(projectRoot()!, ".tools", "bin"), dir, socket, args };
}
