/** How close to the end (px) still counts as "at the newest message". */
export const STICK_THRESHOLD = 48;

/**
 * Whether the conversation keeps its newest message in view, as plain state: view.ts measures and scrolls.
 *
 * Measuring only when a message is drawn is not enough: the list also shrinks when something above it grows (the
 * helplines card appearing or expanding, an on-screen keyboard), and the newest message then slips below the
 * fold with no scroll at all. So the person's own scrolling decides, and a change of size keeps what it decided.
 */
export class Follow {
  private following = true;

  /** The list scrolled (by the person, or by the page): it follows again once back at the end. */
  scrolled(distanceFromEnd: number): void {
    this.following = distanceFromEnd <= STICK_THRESHOLD;
  }

  /** The list changed size. Returns whether to scroll to the end. */
  resized(): boolean {
    return this.following;
  }

  /**
   * The conversation was drawn again. A new message is always brought into view, even when the person had
   * scrolled away to read: the reply to what they wrote and a moderator's first words must not go unseen. A
   * message still streaming grows in view only when the list follows. Returns whether to scroll to the end.
   */
  drawn(newMessage: boolean): boolean {
    if (newMessage) this.following = true;
    return this.following;
  }
}
