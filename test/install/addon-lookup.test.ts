/**
 * Where the helper finds the tailnet addon: HEADSCALE_REMOTE_TAILNET_ADDON alone when set, then
 * the checkout's own build, then the platform package npm installs. The real install from
 * tarballs is from-tarballs.install.ts (npm run test:install).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AddonMissingError, addonInstallHint, addonPackageName, findAddon } from "../../helper/tailnet/addon.js";

let dir: string;
let built: string;
let installed: string;
const noPackage = () => {
  throw Object.assign(new Error("Cannot find module"), { code: "MODULE_NOT_FOUND" });
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hr-addon-"));
  built = join(dir, "checkout", "native", "build", "Release", "hsr_tailnet.node");
  installed = join(dir, "prefix", "node_modules", addonPackageName(), "hsr_tailnet.node");
  for (const file of [built, installed]) {
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, "");
  }
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe("finding the tailnet addon", () => {
  it("takes HEADSCALE_REMOTE_TAILNET_ADDON alone when it is set, even when it is missing", () => {
    const resolve = () => installed;
    expect(findAddon({ override: installed, root: join(dir, "checkout"), resolve })).toEqual({ path: installed });
    const missing = join(dir, "nowhere.node");
    expect(findAddon({ override: missing, root: join(dir, "checkout"), resolve })).toEqual({
      missing: `${missing} is missing (HEADSCALE_REMOTE_TAILNET_ADDON names it)`,
    });
  });

  it("prefers the checkout's own build to an installed package", () => {
    expect(findAddon({ root: join(dir, "checkout"), resolve: () => installed })).toEqual({ path: built });
  });

  it("uses the installed platform package where the package has no build of its own", () => {
    let asked = "";
    const resolve = (specifier: string) => ((asked = specifier), installed);
    expect(findAddon({ root: join(dir, "prefix", "node_modules", "headscale-remote"), resolve })).toEqual({
      path: installed,
    });
    expect(asked).toBe(`${addonPackageName()}/hsr_tailnet.node`);
  });

  it("says where it looked when there is none", () => {
    const root = join(dir, "prefix", "node_modules", "headscale-remote");
    const found = findAddon({ root, resolve: noPackage });
    expect(found).toEqual({
      missing: `looked for ${join(root, "native", "build", "Release", "hsr_tailnet.node")} and the package ${addonPackageName()}`,
    });
  });

  it("names the npm command that installs it, or says no build is published", () => {
    expect(addonPackageName("darwin", "arm64")).toBe("@headscale-remote/addon-darwin-arm64");
    expect(addonInstallHint("darwin", "arm64")).toContain(
      "`npm install -g headscale-remote` (it brings @headscale-remote/addon-darwin-arm64, unless",
    );
    expect(addonInstallHint("linux", "arm64")).toMatch(
      /^no prebuilt addon is published for linux-arm64 .*`npm ci && npm run build:native`/,
    );
    expect(new AddonMissingError("x is missing").message).toMatch(
      /^the tailnet bridge needs the native addon, which this helper does not have \(x is missing\); /,
    );
  });
});
