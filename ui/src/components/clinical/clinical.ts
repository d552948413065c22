// Small pure helpers of the clinical forms (udredning, medicin, samtykke):
// the yes / no / not stated answers, the blank forms, and the order lists
// are shown in. No rules of the journal: those are the core's.
import type { MedicationView, ConsentView } from "../../ipc";

/** A yes/no question's answer as a <select> holds it: "ja", "nej" or "" (ikke oplyst). */
export type TriText = "" | "ja" | "nej";

export function triValue(t: TriText): boolean | null {
  return t === "ja" ? true : t === "nej" ? false : null;
}

export function triLabel(b: boolean | null | undefined): string {
  return b == null ? "Ikke oplyst" : b ? "Ja" : "Nej";
}

export const triOptions: { value: TriText; label: string }[] = [
  { value: "", label: "Ikke oplyst" },
  { value: "ja", label: "Ja" },
  { value: "nej", label: "Nej" },
];

export function blankAssessment() {
  return {
    assessed_on: "", audit_score: "", units_per_week: "", side_abuse: [] as string[], income_source: "", housing: "",
    children_situation: [] as string[], pregnant: "" as TriText, violence: "" as TriText, psychiatric: "" as TriText, remarks: "",
  };
}
export type AssessmentDraft = ReturnType<typeof blankAssessment>;

/** The typed assessment as the command reads it. */
export function assessmentInput(draft: AssessmentDraft) {
  return {
    ...draft,
    pregnant: triValue(draft.pregnant),
    violence: triValue(draft.violence),
    psychiatric: triValue(draft.psychiatric),
  };
}

/** Current medication (newest first) and stopped medication (most recently stopped first). */
export function splitMedications(meds: MedicationView[]): { current: MedicationView[]; stopped: MedicationView[] } {
  const current = meds.filter((m) => !m.stopped_on).sort((a, b) => b.started_on.localeCompare(a.started_on));
  const stopped = meds
    .filter((m) => m.stopped_on)
    .sort((a, b) => (b.stopped_on ?? "").localeCompare(a.stopped_on ?? ""));
  return { current, stopped };
}

/** Consents in force first (newest first), then withdrawn ones. */
export function sortConsents(consents: ConsentView[]): ConsentView[] {
  return [...consents].sort((a, b) => {
    if (!a.withdrawn_on !== !b.withdrawn_on) return a.withdrawn_on ? 1 : -1;
    return b.given_on.localeCompare(a.given_on);
  });
}
