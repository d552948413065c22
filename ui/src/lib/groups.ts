// The Grupper screen's logic, kept out of the component so it can be tested:
// the attendance grid (members × the latest meetings) and the rows of a new
// meeting's attendance form.
import type { GroupView, GroupMemberView, Coded } from "../ipc";

/** How many meetings the grid shows (the latest); older ones are counted. */
export const GRID_MEETINGS = 6;

export type GridRow = { member: GroupMemberView; cells: (Coded | null)[] };

/** The latest meetings as columns and each member's attendance under them
 * (null: not recorded, e.g. before joining or after leaving). */
export function attendanceGrid(g: GroupView, max = GRID_MEETINGS): { meetings: string[]; hidden: number; rows: GridRow[] } {
  const meetings = g.meetings.slice(-max);
  const rows = g.members.map((member) => {
    const by = new Map(member.attendance.map((a) => [a.met_on, a.attendance]));
    return { member, cells: meetings.map((d) => by.get(d) ?? null) };
  });
  return { meetings, hidden: g.meetings.length - meetings.length, rows };
}

/** The members who have not left: those a new meeting is recorded for. */
export function currentMembers(g: GroupView): GroupMemberView[] {
  return g.members.filter((m) => m.left_on === null);
}

/** A new meeting's form: every current member, "attended" unless a code was
 * already chosen for them (kept when the form is shown again after an error). */
export function meetingRows(g: GroupView, chosen: Record<string, string> = {}): Record<string, string> {
  const rows: Record<string, string> = {};
  for (const m of currentMembers(g)) rows[m.id] = chosen[m.id] ?? "attended";
  return rows;
}

/** "Klient" or "Barn". */
export function memberKind(m: GroupMemberView): string {
  return m.child_id ? "Barn" : "Klient";
}
