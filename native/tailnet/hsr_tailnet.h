/*
 * hsr_tailnet: a tailnet node for the Headscale Remote helper, over tailscale.com/tsnet.
 *
 * One process may hold several nodes, each named by the handle hsr_node_new returns. Every
 * call returns at once: the slow work (starting the node, waiting for the tailnet, closing)
 * runs on Go's threads and reports through the event callback. Bridged bytes never leave Go:
 * hsr_forward_add joins tailnet connections to a local port inside Go, and the host program
 * sees only counters (hsr_node_status) and events.
 *
 * Strings passed in are copied before the call returns. Strings returned are the caller's,
 * to be released with hsr_free; a NULL return means success where a function returns an
 * error text.
 */
#ifndef HSR_TAILNET_H
#define HSR_TAILNET_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Receives every event of every node, on a Go thread, as a JSON object with a "type":
 *   {"type":"log","text":…}                   a log line of the node (tsnet's and ours)
 *   {"type":"started"}                        the node runs locally; forwards may be added
 *   {"type":"state","state":…,"ipv4":…,"ipv6":…}  the backend state changed (NeedsLogin,
 *                                             Starting, Running, Stopped, …)
 *   {"type":"refused","message":…}            the control server's error for this node (most
 *                                             often: its key was refused)
 *   {"type":"startFailed","message":…}        the node could not start here (its state
 *                                             folder, say); nothing was sent anywhere
 *   {"type":"closed"}                         hsr_node_close finished; the handle is gone
 * The text is valid only during the call: copy it. The callback must not call back into
 * this library.
 */
typedef void (*hsr_event_fn)(long long node, char *json);

/* Sets (or, with NULL, removes) the event callback. Once it returns, the previous
 * callback is never called again. */
void hsr_set_event_callback(hsr_event_fn fn);

/*
 * Creates a node from a JSON object: "dir" (its state folder, created 0700), "hostname",
 * "controlUrl", "authKey" (used only when the node must log in), "ephemeral" (bool) and
 * "verbose" (bool: pass tsnet's backend log lines too, not only its user-facing ones).
 * Returns a handle > 0, or 0 with *err set to the reason.
 */
long long hsr_node_new(char *config_json, char **err);

/* Starts the node and keeps it joined to the tailnet, reconnecting by itself when the
 * control server goes away and comes back. Progress arrives as events. */
char *hsr_node_up(long long node);

/* Closes the node: cancels an up still pending, closes its forwards and their
 * connections, shuts tsnet down, then sends "closed". Safe at any time, and more than once. */
char *hsr_node_close(long long node);

/* Listens on the node's tailnet port and forwards each connection to 127.0.0.1:local_port.
 * Valid after "started". Replaces nothing: a port already forwarded is an error. */
char *hsr_forward_add(long long node, int tailnet_port, int local_port);

/* Stops forwarding a tailnet port, ending its open connections. */
char *hsr_forward_remove(long long node, int tailnet_port);

/* The node's state as JSON: {"state","hostname","ipv4","ipv6","forwards":[{"tailnetPort",
 * "localPort","active","total","refused","bytesIn","bytesOut","lastError","lastClient"}]}.
 * Never NULL; release with hsr_free. */
char *hsr_node_status(long long node);

/* Sets the Go runtime's soft memory limit in bytes (debug.SetMemoryLimit); < 0 leaves it
 * and reports the current one. Shared by every node of the process. */
long long hsr_set_memory_limit(long long bytes);

void hsr_free(char *p);

#ifdef __cplusplus
}
#endif

#endif
