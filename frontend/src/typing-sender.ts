import type { Timers } from "./reconnect";

export const TYPING_THROTTLE_MS = 1_000;
export const TYPING_IDLE_MS = 4_000;

/**
 * The person's own typing indicator, as the server should see it: frames only on change, at most one per
 * throttle interval, and "stopped" by itself after a pause in typing.
 */
export class TypingSender {
  private wanted = false;
  private sent = false;
  private cooldown: number | null = null;
  private idle: number | null = null;

  constructor(
    private readonly timers: Timers,
    /** Whether a frame can go out now (a hello has come on the current socket). */
    private readonly canSend: () => boolean,
    private readonly send: (state: boolean) => void,
  ) {}

  set(state: boolean): void {
    this.wanted = state;
    this.clearIdle();
    if (state) this.idle = this.timers.setTimeout(() => this.set(false), TYPING_IDLE_MS);
    this.flush();
  }

  flush(): void {
    if (!this.canSend() || this.cooldown !== null || this.wanted === this.sent) return;
    this.send(this.wanted);
    this.sent = this.wanted;
    this.cooldown = this.timers.setTimeout(() => {
      this.cooldown = null;
      this.flush();
    }, TYPING_THROTTLE_MS);
  }

  /** A new socket starts from "not typing", as the server does. */
  socketGone(): void {
    this.sent = false;
    this.clearCooldown();
  }

  dispose(): void {
    this.clearIdle();
    this.clearCooldown();
  }

  private clearIdle(): void {
    if (this.idle !== null) this.timers.clearTimeout(this.idle);
    this.idle = null;
  }

  private clearCooldown(): void {
    if (this.cooldown !== null) this.timers.clearTimeout(this.cooldown);
    this.cooldown = null;
  }
}
