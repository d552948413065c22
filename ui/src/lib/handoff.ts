// The words of the hand-off screen (Overlevering): sizes, counts and the
// names of what a bundle changes, as a Danish consultant reads them.
import type { BundleWritten, ConflictNamed, Counts } from "../ipc";

/** "812 B", "4,2 kB", "1,2 MB". */
export function sizeText(bytes: number): string {
  const n = (x: number) => x.toLocaleString("da-DK", { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1_048_576) return `${n(bytes / 1024)} kB`;
  return `${n(bytes / 1_048_576)} MB`;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("da-DK")} ${n === 1 ? one : many}`;

/** "38 borgere, 412 ændringer". */
export function countsText(c: Counts): string {
  return `${plural(c.people, "borger", "borgere")}, ${plural(c.changes, "ændring", "ændringer")}`;
}

/** "Bundle 12 til Stevns: 38 borgere, 412 ændringer, 1,2 MB". */
export function writtenText(w: BundleWritten): string {
  return `Bundle ${w.seq} til ${w.partner}: ${countsText(w.counts)}, ${sizeText(w.size)}`;
}

// The journal's tables (src/sync/tables.rs) by their Danish names.
const tables: Record<string, string> = {
  activity_group: "gruppe",
  agreement_price: "aftalepris",
  assessment: "udredning",
  case_review: "sagsmøde",
  case_review_item: "sagsmødepunkt",
  child: "barn",
  child_link: "barn knyttet til klient",
  client: "klient",
  consent: "samtykke",
  course: "forløb",
  emergency_plan: "beredskabsplan",
  evaluation: "evaluering",
  group_attendance: "fremmøde i gruppe",
  group_member: "gruppedeltager",
  medication: "medicin",
  network_person: "netværksperson",
  note: "journalnotat",
  notification: "underretning",
  plan_revision: "behandlingsplan",
  referral: "henvendelse",
  session: "samtale",
  session_participant: "deltager i samtale",
  settlement: "afregning",
  settlement_line: "afregningslinje",
  staff: "medarbejder",
  unit: "enhed",
};

/** A table's Danish name (its own name when it has none here). */
export function tableName(table: string): string {
  return tables[table] ?? table;
}

/** "klient: cpr, birth_date" — which record and which fields a conflict is about. */
export function conflictText(c: ConflictNamed): string {
  return `${tableName(c.table)}: ${c.group.split(",").join(", ")}`;
}

/** The changes per table, largest first: "journalnotat 12, samtale 3". */
export function tablesText(c: Counts): string {
  return Object.entries(c.tables)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([t, n]) => `${tableName(t)} ${n.toLocaleString("da-DK")}`)
    .join(", ");
}
