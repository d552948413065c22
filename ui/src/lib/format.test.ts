import { describe, expect, it } from "vitest";
import { danishDate, daysBetween, deadlineText, yesNo } from "./format";

describe("Danish formats", () => {
  it("shows ISO dates as dd-mm-åååå", () => {
    const cases: [string | null, string][] = [["2026-11-23", "23-11-2026"], ["2026-01-05T10:00:00Z", "05-01-2026"], [null, ""]];
    for (const [iso, want] of cases) expect(danishDate(iso)).toBe(want);
  });
  it("counts days across months and says how a deadline stands", () => {
    expect(daysBetween("2026-11-10", "2026-11-24")).toBe(14);
    expect(daysBetween("2026-12-31", "2027-01-01")).toBe(1);
    const cases: [string, string][] = [["2026-11-23", "i dag"], ["2026-11-24", "i morgen"], ["2026-11-27", "om 4 dage"],
      ["2026-11-22", "overskredet med 1 dag"], ["2026-11-13", "overskredet med 10 dage"]];
    for (const [deadline, want] of cases) expect(deadlineText("2026-11-23", deadline)).toBe(want);
  });
  it("says ja/nej", () => {
    expect([yesNo(true), yesNo(false), yesNo(null)]).toEqual(["Ja", "Nej", ""]);
  });
});
