import { describe, expect, it } from "vitest";
import type { MedicationView, ConsentView } from "../../ipc";
import { assessmentInput, blankAssessment, sortConsents, splitMedications, triLabel, triValue } from "./clinical";

const med = (id: string, drug: string, started_on: string, stopped_on: string | null): MedicationView => ({
  id, drug: { code: drug, label: drug }, dose: "1", started_on, started_by: "JA", stopped_on,
  stopped_by: stopped_on ? "MS" : null, stop_reason: null,
});
const consent = (id: string, given_on: string, withdrawn_on: string | null): ConsentView => ({
  id, scope: { code: "gp", label: "Egen læge" }, recipient: "x", given_on, withdrawn_on, remarks: null,
  stamp: { created_at: "", created_by: "", changed_at: "", changed_by: "", origin_site: "", version: 0 },
});

describe("clinical forms", () => {
  it("reads yes / no / not stated, and shows them in Danish", () => {
    expect([triValue("ja"), triValue("nej"), triValue("")]).toEqual([true, false, null]);
    expect([triLabel(true), triLabel(false), triLabel(null), triLabel(undefined)]).toEqual(["Ja", "Nej", "Ikke oplyst", "Ikke oplyst"]);
  });
  it("sends the typed assessment as typed, the yes/no answers as booleans or null", () => {
    const draft = { ...blankAssessment(), audit_score: "41", side_abuse: ["cannabis"], pregnant: "nej" as const, violence: "ja" as const };
    const input = assessmentInput(draft);
    expect(input.audit_score).toBe("41");
    expect(input.side_abuse).toEqual(["cannabis"]);
    expect([input.pregnant, input.violence, input.psychiatric]).toEqual([false, true, null]);
    expect(draft.pregnant).toBe("nej"); // the draft (what is on screen) is left as typed
  });
  it("lists current medication newest first, then the stopped by stop date", () => {
    const { current, stopped } = splitMedications([
      med("a", "antabus", "2026-01-01", "2026-03-01"), med("b", "campral", "2026-02-01", null),
      med("c", "thiamine", "2026-04-01", null), med("d", "risolid", "2026-01-10", "2026-05-01"),
    ]);
    expect(current.map((m) => m.id)).toEqual(["c", "b"]);
    expect(stopped.map((m) => m.id)).toEqual(["d", "a"]);
  });
  it("puts consents in force before withdrawn ones", () => {
    const sorted = sortConsents([consent("old", "2025-01-01", null), consent("gone", "2026-01-01", "2026-02-01"), consent("new", "2026-03-01", null)]);
    expect(sorted.map((c) => c.id)).toEqual(["new", "old", "gone"]);
  });
});
