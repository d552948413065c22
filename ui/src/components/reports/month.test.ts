import { describe, expect, it } from "vitest";
import { cprText, monthName, perLabel, previousMonth, yearToDate } from "./month";

describe("the settlement form's month", () => {
  it("offers the month before today, across the new year", () => {
    expect(previousMonth("2026-11-23")).toBe("2026-10");
    expect(previousMonth("2027-01-05")).toBe("2026-12");
    expect(previousMonth("2026-10-01")).toBe("2026-09");
    expect(previousMonth("")).toBe("");
  });
  it("names a month in Danish and leaves what it cannot read", () => {
    expect(monthName("2026-10")).toBe("oktober 2026");
    expect(monthName("2026-01")).toBe("januar 2026");
    expect(monthName("2026-13")).toBe("2026-13");
    expect(monthName("oktober")).toBe("oktober");
  });
  it("reads a price's unit in Danish", () => {
    expect(perLabel("day")).toBe("pr. dag");
    expect(perLabel("month")).toBe("pr. måned");
    expect(perLabel("course")).toBe("pr. forløb");
  });
  it("defaults the NAB period to the year so far", () => {
    expect(yearToDate("2026-11-23")).toEqual({ from: "01-01-2026", to: "23-11-2026" });
  });
});

describe("a settlement line's CPR number", () => {
  it("is shown with the dash after the birth date", () => {
    expect(cprText("2111741857")).toBe("211174-1857");
    expect(cprText("")).toBe("");
    expect(cprText("211174-1857")).toBe("211174-1857");
  });
});
