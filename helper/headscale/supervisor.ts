/**
 * Runs one Headscale child: start to ready, stop with a grace period, restart after a
 * crash (or a hang: it stops answering /health) with backoff, give up after too many
 * crashes. One operation at a time.
 */
import { EventEmitter } from "node:events";
import { execa, type ResultPromise } from "execa";
import split2 from "split2";
import type { HeadscaleState } from "../protocol/types.js";
import { ensureExecutable } from "./binary.js";
import { askHealth, waitReady } from "./health.js";
import { headscaleEnv } from "./child-env.js";
import { removePidFile, writePidFile } from "./pid-file.js";
import { SerialQueue } from "../util/serial-queue.js";
import { failureMessage } from "../util/storage-errors.js";
import { crashLine, HeadscaleStartError, keepLine } from "./start-error.js";
import { SUPERVISOR_DEFAULTS, type ResolvedOptions, type SupervisorOptions } from "./supervisor-options.js";

export { HeadscaleStartError } from "./start-error.js";
export type { SupervisorOptions } from "./supervisor-options.js";

type Child = ResultPromise<{ stdin: "ignore"; buffer: false; reject: false }>;

export class HeadscaleSupervisor extends EventEmitter {
  state: HeadscaleState = "stopped";
  pid: number | null = null;
  binary: string | null = null;
  startedAt: Date | null = null;
  lastError: string | null = null;
  lastErrorLog: string[] = [];
  restarts = 0;

  private child: Child | undefined;
  /** The current child's last output lines: an error report shows these, never an earlier run's. */
  private childLog: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  /** Starts, stops and the watchdog's kill run one at a time, in the order asked. */
  private readonly queue = new SerialQueue();
  private crashTimes: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly opts: ResolvedOptions;

  constructor(options: SupervisorOptions) {
    super();
    this.opts = { ...SUPERVISOR_DEFAULTS, ...options };
  }

  /** Resolves once Headscale answers /health; rejects with the reason and its last log lines. */
  start(): Promise<void> {
    return this.queue.run(() => this.doStart());
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. */
  stop(): Promise<void> {
    return this.queue.run(() => this.doStop());
  }

  restart(): Promise<void> {
    return this.queue.run(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  /** Resolves once no start is under way, whichever way it ended. */
  settled(): Promise<void> {
    if (this.state !== "starting") return Promise.resolve();
    return new Promise((resolve) => {
      const onState = (state: HeadscaleState) => {
        if (state === "starting") return;
        this.off("state", onState);
        resolve();
      };
      this.on("state", onState);
    });
  }

  private setState(state: HeadscaleState): void {
    this.state = state;
    this.emit("state", state);
  }

  /** A restart after a crash is on its way: nobody needs to start Headscale. */
  get restartPending(): boolean {
    return this.restartTimer !== undefined;
  }

  private cancelRestart(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private async doStart(): Promise<void> {
    this.cancelRestart();
    if (this.state === "running" && this.child) return;
    this.setState("starting");
    this.lastError = null;
    this.lastErrorLog = [];
    this.childLog = [];
    try {
      await this.opts.prepare?.();
      const binary = await this.opts.binary();
      await ensureExecutable(binary);
      this.binary = binary;
      const extra = (await this.opts.extraEnv?.()) ?? {};
      const ownLog: string[] = [];
      this.childLog = ownLog;
      const child = execa(binary, ["serve", "-c", this.opts.configPath], {
        cwd: this.opts.cwd,
        env: headscaleEnv(process.env, extra),
        extendEnv: false,
        stdin: "ignore",
        buffer: false,
        reject: false,
        cleanup: true,
        forceKillAfterDelay: this.opts.stopGraceMs,
      });
      this.child = child;
      this.pid = child.pid ?? null;
      for (const stream of ["stdout", "stderr"] as const) {
        child[stream]?.pipe(split2()).on("data", (line: string) => {
          keepLine(ownLog, line);
          this.opts.onLog(stream, line);
        });
      }
      let exitCode: string | undefined;
      const exitedSignal = new AbortController();
      this.exited = child.then((result) => {
        exitCode = result.signal ? `signal ${result.signal}` : `code ${result.exitCode}`;
        exitedSignal.abort();
        this.onExit(child, exitCode);
      });
      // The PID file is written while Headscale boots: its fsync need not delay readiness.
      const pidWritten = this.pid
        ? writePidFile(this.opts.pidFile, { pid: this.pid, binary, config: this.opts.configPath })
        : Promise.resolve();
      const gone = () => exitCode ?? (this.child === child ? undefined : "stopped");
      const ready = waitReady(this.opts.health(), this.opts.readyTimeoutMs, gone, exitedSignal.signal);
      await Promise.all([pidWritten, ready]);
      this.startedAt = new Date();
      this.setState("running");
      this.opts.onLog("helper", `Headscale is ready (pid ${this.pid})`);
      this.watchLiveness(child);
    } catch (error) {
      const logTail = [...this.childLog];
      await this.killChild();
      const failure = new HeadscaleStartError(logTail, error, failureMessage(error));
      this.fail(failure.message, logTail);
      throw failure;
    }
  }

  /**
   * A Headscale that is alive but hung (stopped, deadlocked, starved) never exits, so the
   * crash path alone would leave it "running" forever while every request times out.
   * Only silence counts: a /health that answers "fail" means its database is unreachable
   * (PostgreSQL restarting, say), which a new Headscale would not fix; that is reported.
   */
  private watchLiveness(child: Child): void {
    let misses = 0;
    let failing = false;
    const current = () => this.child === child && this.state === "running";
    const check = async () => {
      if (!current()) return;
      const answer = await askHealth(this.opts.health(), AbortSignal.timeout(this.opts.livenessTimeoutMs));
      if (!current()) return;
      misses = answer === "none" ? misses + 1 : 0;
      if (answer !== "none" && failing !== (answer === "fail")) {
        failing = answer === "fail";
        const message = failing
          ? "Headscale is up but its /health check fails: its database is unreachable"
          : "Headscale's /health check passes again";
        this.opts.onLog("helper", message);
        this.lastError = failing ? message : null;
      }
      if (misses < this.opts.livenessMisses) return schedule();
      // Through the queue, so it cannot interleave with a stop or start someone asked for.
      await this.queue.run(async () => {
        if (!current()) return;
        this.opts.onLog("helper", `Headscale did not answer /health ${misses} times in a row; ending it`);
        this.setState("stopping");
        await this.killChild();
        this.onCrash(`stopped answering /health`);
      });
    };
    // No timer to cancel: a check that finds another child, or none, simply stops.
    const schedule = () => {
      if (current()) setTimeout(() => void check(), this.opts.livenessIntervalMs).unref();
    };
    schedule();
  }

  private fail(message: string, logTail: string[]): void {
    this.lastError = message;
    this.lastErrorLog = logTail;
    this.opts.onLog("helper", `Headscale failed: ${message}`);
    this.setState("crashed");
  }

  private async doStop(): Promise<void> {
    this.cancelRestart();
    if (!this.child) {
      this.setState("stopped");
      return;
    }
    this.setState("stopping");
    await this.killChild();
    this.setState("stopped");
    this.opts.onLog("helper", "Headscale stopped");
  }

  private async killChild(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill("SIGTERM"); // execa sends SIGKILL after forceKillAfterDelay
    await this.exited;
    this.pid = null;
    this.startedAt = null;
    await removePidFile(this.opts.pidFile);
  }

  private onExit(child: Child, how: string): void {
    // An exit we asked for (stop, failed start) has already detached the child.
    if (this.child !== child) return;
    // Exiting while it starts is that start's failure, which doStart reports. Scheduling a
    // crash restart as well would race whoever asked for the start (config.set's rollback).
    if (this.state === "starting") return;
    this.child = undefined;
    this.pid = null;
    this.startedAt = null;
    void removePidFile(this.opts.pidFile);
    this.onCrash(`exited unexpectedly (${how})`);
  }

  /** Restart with exponential backoff; give up after crashLimit crashes within crashWindowMs. */
  private onCrash(what: string): void {
    const now = Date.now();
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.opts.crashWindowMs), now];
    const logTail = [...this.childLog];
    const crashes = { count: this.crashTimes.length, windowMs: this.opts.crashWindowMs };
    if (crashes.count >= this.opts.crashLimit) {
      this.fail(crashLine(what, crashes), logTail);
      this.crashTimes = [];
      return;
    }
    const delay = Math.min(this.opts.backoffBaseMs * 2 ** (crashes.count - 1), 30_000);
    this.fail(crashLine(what, { ...crashes, delayMs: delay }), logTail);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.restarts++;
      // The reason goes along: it is what status shows once the restarts give up.
      this.start().catch((error: Error) => this.onCrash(`failed to restart (${error.message})`));
    }, delay);
    this.restartTimer.unref();
  }
}
