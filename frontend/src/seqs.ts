/**
 * The watermark of docs/protocol.md: the highest N such that every sequence number 1..N has been seen.
 * Numbers seen above a gap wait in `ahead` until the gap fills.
 */
export class SeqTracker {
  private mark = 0;
  private readonly ahead = new Set<number>();

  get watermark(): number {
    return this.mark;
  }

  see(seq: number): void {
    if (!Number.isInteger(seq) || seq <= this.mark) return;
    this.ahead.add(seq);
    while (this.ahead.delete(this.mark + 1)) this.mark += 1;
  }

  reset(): void {
    this.mark = 0;
    this.ahead.clear();
  }
}
