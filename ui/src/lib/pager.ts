// Keyset paging, newest first: the core answers a page with the cursor of
// the next (older) one; going back to newer pages needs the cursors seen on
// the way, kept here as a stack. A new filter starts again at the newest.

export class KeysetPager {
  /** The `before` cursor of each page visited; the last is the current page's. */
  private cursors: (number | null)[] = [null];
  /** The cursor of the next (older) page, from the last answer. */
  next: number | null = null;

  /** The cursor to ask the current page with. */
  get before(): number | null {
    return this.cursors[this.cursors.length - 1];
  }

  /** 1 for the newest page. */
  get page(): number {
    return this.cursors.length;
  }

  get hasOlder(): boolean {
    return this.next !== null;
  }

  get hasNewer(): boolean {
    return this.cursors.length > 1;
  }

  /** Remember the answer's cursor for the next page. */
  answered(next: number | null) {
    this.next = next;
  }

  /** Move to the older page; false when there is none. */
  older(): boolean {
    if (this.next === null) return false;
    this.cursors.push(this.next);
    this.next = null;
    return true;
  }

  /** Move to the newer page; false on the newest. */
  newer(): boolean {
    if (this.cursors.length <= 1) return false;
    this.cursors.pop();
    this.next = null;
    return true;
  }

  /** Back to the newest page (a new filter). */
  reset() {
    this.cursors = [null];
    this.next = null;
  }
}
