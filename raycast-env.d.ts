/// <reference types="@raycast/api">

/* 🚧 🚧 🚧
 * This file is auto-generated from the extension's manifest.
 * Do not modify manually. Instead, update the `package.json` file.
 * 🚧 🚧 🚧 */

/* eslint-disable @typescript-eslint/ban-types */

type ExtensionPreferences = {
  /** Helper Home Folder - Where the helper keeps Headscale's config, database and logs. Empty means the default. */
  "home": string,
  /** Headscale Binary - A Headscale 0.29 executable. Empty means the one the helper finds: the downloaded 0.29.3 (Start Headscale offers the download), a project build, Homebrew's, then PATH. */
  "headscalePath": string
}

/** Preferences accessible in all the extension's commands */
declare type Preferences = ExtensionPreferences

declare namespace Preferences {
  /** Preferences accessible in the `start-headscale` command */
  export type StartHeadscale = ExtensionPreferences & {}
  /** Preferences accessible in the `stop-headscale` command */
  export type StopHeadscale = ExtensionPreferences & {
  /** Helper - Stop the background helper too, so nothing of Headscale Remote keeps running. The next command starts it again. */
  "alsoStopHelper": boolean
}
  /** Preferences accessible in the `restart-headscale` command */
  export type RestartHeadscale = ExtensionPreferences & {}
  /** Preferences accessible in the `headscale-status` command */
  export type HeadscaleStatus = ExtensionPreferences & {}
  /** Preferences accessible in the `server-settings` command */
  export type ServerSettings = ExtensionPreferences & {}
  /** Preferences accessible in the `list-nodes` command */
  export type ListNodes = ExtensionPreferences & {}
  /** Preferences accessible in the `headscale-logs` command */
  export type HeadscaleLogs = ExtensionPreferences & {}
  /** Preferences accessible in the `mint-client-key` command */
  export type MintClientKey = ExtensionPreferences & {}
  /** Preferences accessible in the `generate-api-key` command */
  export type GenerateApiKey = ExtensionPreferences & {}
  /** Preferences accessible in the `tailnet-bridge` command */
  export type TailnetBridge = ExtensionPreferences & {}
  /** Preferences accessible in the `register-device` command */
  export type RegisterDevice = ExtensionPreferences & {}
  /** Preferences accessible in the `manage-users` command */
  export type ManageUsers = ExtensionPreferences & {}
  /** Preferences accessible in the `pre-auth-keys` command */
  export type PreAuthKeys = ExtensionPreferences & {}
  /** Preferences accessible in the `acl-policy` command */
  export type AclPolicy = ExtensionPreferences & {}
  /** Preferences accessible in the `menu-bar` command */
  export type MenuBar = ExtensionPreferences & {}
}

declare namespace Arguments {
  /** Arguments passed to the `start-headscale` command */
  export type StartHeadscale = {}
  /** Arguments passed to the `stop-headscale` command */
  export type StopHeadscale = {}
  /** Arguments passed to the `restart-headscale` command */
  export type RestartHeadscale = {}
  /** Arguments passed to the `headscale-status` command */
  export type HeadscaleStatus = {}
  /** Arguments passed to the `server-settings` command */
  export type ServerSettings = {}
  /** Arguments passed to the `list-nodes` command */
  export type ListNodes = {}
  /** Arguments passed to the `headscale-logs` command */
  export type HeadscaleLogs = {}
  /** Arguments passed to the `mint-client-key` command */
  export type MintClientKey = {
  /** Device identifier */
  "deviceId": string
}
  /** Arguments passed to the `generate-api-key` command */
  export type GenerateApiKey = {}
  /** Arguments passed to the `tailnet-bridge` command */
  export type TailnetBridge = {
  /** Local port */
  "port": string
}
  /** Arguments passed to the `register-device` command */
  export type RegisterDevice = {
  /** Registration URL */
  "url": string
}
  /** Arguments passed to the `manage-users` command */
  export type ManageUsers = {}
  /** Arguments passed to the `pre-auth-keys` command */
  export type PreAuthKeys = {}
  /** Arguments passed to the `acl-policy` command */
  export type AclPolicy = {}
  /** Arguments passed to the `menu-bar` command */
  export type MenuBar = {}
}

