// The words of the hand-off screen (Overlevering): sizes, counts and the
// names of what a bundle changes, as a Danish consultant reads them.
import type { BundleWritten, Counts, FieldChanges } from "../ipc";

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

/** The changes per kind of record, as the core names them, most first: "journalnotat 12, samtale 3". */
export function tablesText(tables: FieldChanges[]): string {
  return tables.map((t) => `${t.label} ${t.changes.toLocaleString("da-DK")}`).join(", ");
}
