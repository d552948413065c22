import { describe, expect, it } from "vitest";
import type { GroupView, GroupMemberView } from "../ipc";
import { attendanceGrid, currentMembers, meetingRows, memberKind } from "./groups";

const att = (met_on: string, code: string) => ({ met_on, attendance: { code, label: code } });
const member = (id: string, child: boolean, left_on: string | null, attendance: ReturnType<typeof att>[]): GroupMemberView => ({
  id, client_id: child ? null : `c-${id}`, child_id: child ? `b-${id}` : null, name: id, joined_on: "2026-09-01", left_on, attendance,
});
const group = (members: GroupMemberView[], meetings: string[]): GroupView => ({
  id: "g", kind: { code: "children", label: "Børnegruppe" }, name: "Stjernerne", unit: "Faxe", start_on: "2026-09-01", end_on: null,
  members, meetings,
});

describe("groups", () => {
  const g = group(
    [member("Mona", false, null, [att("2026-09-08", "attended"), att("2026-09-15", "no_show")]),
     member("Lily", true, "2026-09-10", [att("2026-09-08", "attended")])],
    ["2026-09-08", "2026-09-15"],
  );
  it("puts each member's attendance under its meeting, empty where none is recorded", () => {
    const grid = attendanceGrid(g);
    expect(grid.meetings).toEqual(["2026-09-08", "2026-09-15"]);
    expect(grid.rows.map((r) => r.cells.map((c) => c?.code ?? null))).toEqual([["attended", "no_show"], ["attended", null]]);
    expect(grid.hidden).toBe(0);
  });
  it("shows only the latest meetings and counts the others", () => {
    const grid = attendanceGrid(g, 1);
    expect(grid.meetings).toEqual(["2026-09-15"]);
    expect(grid.hidden).toBe(1);
  });
  it("records a meeting for the members who have not left, attended unless chosen otherwise", () => {
    expect(currentMembers(g).map((m) => m.id)).toEqual(["Mona"]);
    expect(meetingRows(g)).toEqual({ Mona: "attended" });
    expect(meetingRows(g, { Mona: "no_show", Lily: "attended" })).toEqual({ Mona: "no_show" });
    expect(g.members.map(memberKind)).toEqual(["Klient", "Barn"]);
  });
});
