export interface BackoffOptions {
  baseMs: number;
  factor: number;
  capMs: number;
  /** Fraction of the delay that may be taken off at random, so reconnecting clients spread out. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, factor: 2, capMs: 30_000, jitter: 0.5 };

/** Delay before reconnect attempt number `attempt` (0-based); `random` returns a number in [0, 1). */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(options.capMs, options.baseMs * options.factor ** attempt);
  return Math.round(ceiling * (1 - options.jitter * random()));
}
