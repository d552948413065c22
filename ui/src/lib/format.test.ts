import { describe, expect, it } from "vitest";
import { danishDate, danishList, daysBetween, deadlineText, sharingText, yesNo } from "./format";

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
  it("lists names with «og» and marks a shared case with its partners and last exchange", () => {
    expect([danishList([]), danishList(["Stevns"]), danishList(["Faxe", "Stevns"]), danishList(["A", "B", "C"])])
      .toEqual(["", "Stevns", "Faxe og Stevns", "A, B og C"]);
    expect(sharingText({ partners: ["Stevns Rusmiddelcenter"], last_exchanged: "2026-11-26" }))
      .toBe("Delt med Stevns Rusmiddelcenter · sidst udvekslet 26-11-2026");
    expect(sharingText({ partners: ["Faxe", "Stevns"], last_exchanged: null })).toBe("Delt med Faxe og Stevns");
  });
});
