// Danish formats: dates dd-mm-åååå, day counts, yes/no.

/** "2026-11-23" → "23-11-2026"; empty for null. */
export function danishDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : iso;
}

/** Whole days from `from` to `to` (ISO dates); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}

/** How a deadline stands, in Danish: "om 3 dage", "i dag", "overskredet med 2 dage". */
export function deadlineText(today: string, deadline: string): string {
  const d = daysBetween(today, deadline);
  if (d === 0) return "i dag";
  if (d === 1) return "i morgen";
  if (d > 1) return `om ${d} dage`;
  return d === -1 ? "overskredet med 1 dag" : `overskredet med ${-d} dage`;
}

export function yesNo(b: boolean | null | undefined): string {
  return b == null ? "" : b ? "Ja" : "Nej";
}

/** An ISO instant as "dd-mm-åååå tt:mm" in the machine's time zone. */
export function danishInstant(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(t.getDate())}-${p(t.getMonth() + 1)}-${t.getFullYear()} ${p(t.getHours())}:${p(t.getMinutes())}`;
}

/** A published report cell as printed: the count, "<5" (1-4) or "x" (hidden). */
export function cellText(c: { kind: "count"; value: number } | { kind: "small" } | { kind: "hidden" }): string {
  return c.kind === "count" ? String(c.value) : c.kind === "small" ? "<5" : "x";
}

/** Names joined as Danes list them: "A", "A og B", "A, B og C". */
export function danishList(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} og ${names[names.length - 1]}`;
}

/** A shared case's mark: "Delt med Stevns · sidst udvekslet 26-11-2026". */
export function sharingText(s: { partners: string[]; last_exchanged: string | null }): string {
  const last = s.last_exchanged ? ` · sidst udvekslet ${danishDate(s.last_exchanged)}` : "";
  return `Delt med ${danishList(s.partners)}${last}`;
}
