// Small presentation rules of the settlement and NAB forms: which month and
// period are offered first, how a price's unit and a CPR number read in Danish.

/** The month before `todayIso`'s ("2026-11-23" → "2026-10"): the month a settlement is usually made for. */
export function previousMonth(todayIso: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(todayIso);
  if (!m) return "";
  let year = Number(m[1]);
  let month = Number(m[2]) - 1;
  if (month === 0) { year -= 1; month = 12; }
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

/** "2026-10" → "oktober 2026"; anything else as it is. */
export function monthName(period: string): string {
  const names = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
    "november", "december"];
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  const i = m ? Number(m[2]) - 1 : -1;
  return m && i >= 0 && i < 12 ? `${names[i]} ${m[1]}` : period;
}

/** The price's unit: "pr. dag", "pr. måned", "pr. forløb". */
export function perLabel(per: string): string {
  return per === "day" ? "pr. dag" : per === "month" ? "pr. måned" : per === "course" ? "pr. forløb" : per;
}

/** The first of January and today of `todayIso`'s year, as dd-mm-åååå: the NAB form's default period. */
export function yearToDate(todayIso: string): { from: string; to: string } {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(todayIso);
  if (!m) return { from: "", to: "" };
  return { from: `01-01-${m[1]}`, to: `${m[3]}-${m[2]}-${m[1]}` };
}

/** A CPR number as Danes write it: "2111741857" → "211174-1857"; other forms as they are. */
export function cprText(cpr: string): string {
  return /^\d{6}[0-9A-Z]{4}$/.test(cpr) ? `${cpr.slice(0, 6)}-${cpr.slice(6)}` : cpr;
}
