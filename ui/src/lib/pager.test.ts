import { describe, expect, it } from "vitest";
import { KeysetPager } from "./pager";

describe("keyset paging of the audit log", () => {
  it("walks to older pages and back with the cursors it was given", () => {
    const p = new KeysetPager();
    expect([p.page, p.before, p.hasNewer, p.hasOlder]).toEqual([1, null, false, false]);
    p.answered(151);
    expect(p.hasOlder).toBe(true);
    expect(p.older()).toBe(true);
    expect([p.page, p.before]).toEqual([2, 151]);
    p.answered(101);
    p.older();
    p.answered(null);
    expect([p.page, p.before, p.hasOlder]).toEqual([3, 101, false]);
    expect(p.older()).toBe(false);
    expect(p.newer()).toBe(true);
    expect([p.page, p.before]).toEqual([2, 151]);
    p.newer();
    expect([p.page, p.before, p.newer()]).toEqual([1, null, false]);
  });

  it("starts again at the newest page when the filter changes", () => {
    const p = new KeysetPager();
    p.answered(40);
    p.older();
    p.reset();
    expect([p.page, p.before, p.hasOlder]).toEqual([1, null, false]);
  });
});
