import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import type { ConflictView } from "../ipc";

// The shell is not there in a component test: the one IPC module is replaced.
const conflictReview = vi.fn();
const resolveConflict = vi.fn();
const writeConflictValue = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return {
    api: {
      conflictReview: () => conflictReview(),
      resolveConflict: (f: unknown) => resolveConflict(f),
      writeConflictValue: (f: unknown) => writeConflictValue(f),
    },
    CommandError,
  };
});
const app = { conflicts: 1 as number | null, journal: { unit: "Center Familie, Stevns" } };
vi.mock("../lib/app.svelte", () => ({ app }));

const { default: Conflicts } = await import("./Conflicts.svelte");
const { CommandError } = await import("../ipc");

const phone = (over: Partial<ConflictView> = {}): ConflictView => ({
  table: "client",
  table_label: "klient",
  row: "00000000-0000-4000-8000-000300000018",
  group: "phone",
  field_label: "telefon",
  person: "00000000-0000-4000-8000-000300000018",
  person_name: "Michael Skovbo Rask",
  reason: "Feltet er ændret på begge installationer, uden at de kendte hinandens ændring.",
  values: [
    { site: "s-stevns", hlc: "118889026519875585", value: "60 70 80 90", staff: "Søren Klitgaard (Center Familie, Stevns)", site_name: "Center Familie, Stevns", own_site: true, at: "2026-11-23T14:00:00Z", on: "23-11-2026", current: true },
    { site: "s-faxe", hlc: "118889014000000001", value: "20 30 40 50", staff: "Bente Holm (Faxe Rusmiddelcenter)", site_name: "Faxe Rusmiddelcenter", own_site: false, at: "2026-11-20T09:00:00Z", on: "20-11-2026", current: false },
  ],
  new_value: { columns: [{ name: "phone", label: "telefon", kind: "text", options: [], optional: true, start: "60 70 80 90" }] },
  ...over,
});

// The CPR group: four columns, a ja/nej and a code among them.
const cpr = (): ConflictView =>
  phone({
    group: "cpr",
    field_label: "CPR-nummer, anonym, fødselsdato, køn",
    values: phone().values.map((v, i) => ({ ...v, value: i === 0 ? "0202801235" : "0101801234" })),
    new_value: {
      columns: [
        { name: "cpr", label: "CPR-nummer", kind: "text", options: [], optional: true, start: "0202801235" },
        { name: "anonymous", label: "anonym", kind: "yes_no", options: [{ code: "ja", label: "ja" }, { code: "nej", label: "nej" }], optional: false, start: "nej" },
        { name: "birth_date", label: "fødselsdato", kind: "date", options: [], optional: true, start: "02-02-1980" },
        { name: "sex", label: "køn", kind: "code", options: [{ code: "M", label: "mand" }, { code: "K", label: "kvinde" }], optional: true, start: "M" },
      ],
    },
  });

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  conflictReview.mockReset();
  resolveConflict.mockReset();
  writeConflictValue.mockReset();
  app.conflicts = 1;
});

async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, " ").trim();
const texts = (css: string) => [...document.querySelectorAll(css)].map((e) => e.textContent?.replace(/\s+/g, " ").trim());
const choose = async (i: number) => {
  const r = document.querySelector<HTMLInputElement>(`input[data-value="${i}"]`)!;
  r.checked = true;
  r.dispatchEvent(new Event("change", { bubbles: true }));
  await settle();
};
const keepButton = () => document.querySelector<HTMLButtonElement>("[data-action=keep]")!;
const submit = async () => {
  document.querySelector("form.conflict")!.dispatchEvent(new Event("submit", { cancelable: true }));
  await settle();
};

describe("the Konflikter screen", () => {
  it("shows a person's conflict with both values side by side, who, when and where, and keeps the chosen one", async () => {
    conflictReview.mockResolvedValue([phone()]);
    resolveConflict.mockResolvedValue([]);
    screen = mount(Conflicts, { target: document.body });
    await settle();
    expect(text("[data-conflict-person] h2")).toBe("Michael Skovbo Rask");
    expect(text("form.conflict h3")).toBe("Klient: telefon");
    expect(texts("[data-side-value]")).toEqual(["60 70 80 90", "20 30 40 50"]);
    const sides = texts("label.side");
    expect(sides[0]).toContain("Søren Klitgaard (Center Familie, Stevns)");
    expect(sides[0]).toContain("23-11-2026 · her (Center Familie, Stevns)");
    expect(sides[0]).toContain("Står i journalen nu");
    expect(sides[1]).toContain("20-11-2026 · Faxe Rusmiddelcenter");
    // Nothing is chosen for the person: nothing to keep until they choose.
    expect(keepButton().disabled).toBe(true);
    await submit();
    expect(resolveConflict).not.toHaveBeenCalled();

    await choose(1);
    expect(keepButton().disabled).toBe(false);
    await submit();
    expect(resolveConflict).toHaveBeenCalledWith({
      row: "00000000-0000-4000-8000-000300000018",
      group: "phone",
      site: "s-faxe",
      hlc: "118889014000000001",
    });
    expect(text("[data-resolved]")).toContain("telefon for Michael Skovbo Rask er nu «20 30 40 50» (fra Faxe Rusmiddelcenter)");
    expect(document.activeElement).toBe(document.querySelector("[data-resolved]"));
    expect(document.querySelector("[data-no-conflicts]")).not.toBeNull();
    expect(app.conflicts).toBe(0);
  });

  it("shows the core's refusal and keeps the conflict; a role that may not read records sees neither name nor values", async () => {
    conflictReview.mockResolvedValue([
      phone({ person_name: null, values: phone().values.map((v) => ({ ...v, value: null })), new_value: null }),
    ]);
    resolveConflict.mockRejectedValue(new CommandError({ code: "not_found", message: "Posten findes ikke.", field: null }));
    screen = mount(Conflicts, { target: document.body });
    await settle();
    expect(text("[data-conflict-person] h2")).toBe("Borger (navnet vises ikke for din rolle)");
    expect(texts("[data-side-value]")).toEqual(["Værdien vises ikke for din rolle", "Værdien vises ikke for din rolle"]);
    await choose(0);
    await submit();
    expect(text("[role=alert]")).toBe("Posten findes ikke.");
    expect(document.querySelector("[data-resolved]")).toBeNull();
    expect(document.querySelectorAll("form.conflict").length).toBe(1);
    // No values to see, so no new value to write.
    expect(document.querySelector("[data-action=new-value]")).toBeNull();
  });
});

const key = (e: Element, k: string) => {
  e.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));
};
const type = (css: string, value: string) => {
  const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(css)!;
  el.value = value;
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
};
const newValueButton = () => document.querySelector<HTMLButtonElement>("[data-action=new-value]")!;
const phoneForm = `form[data-new-value="${phone().row}/phone"]`;

describe("a new value instead of either side", () => {
  it("opens a form with the value in the journal now, focused; Escape cancels and gives the focus back", async () => {
    conflictReview.mockResolvedValue([phone()]);
    screen = mount(Conflicts, { target: document.body });
    await settle();
    expect(text("[data-action=new-value]")).toBe("Skriv en ny værdi");
    expect(document.querySelector(phoneForm)).toBeNull();
    newValueButton().click();
    await settle();
    const input = document.querySelector<HTMLInputElement>(`${phoneForm} [data-new-column=phone]`)!;
    expect(input.value).toBe("60 70 80 90");
    expect(document.activeElement).toBe(input);
    expect(text(`${phoneForm} label`)).toBe("Telefon");
    expect(newValueButton().getAttribute("aria-expanded")).toBe("true");
    type(`${phoneForm} [data-new-column=phone]`, "11 22 33 44");
    key(input, "Escape");
    await settle();
    expect(document.querySelector(phoneForm)).toBeNull();
    expect(document.activeElement).toBe(newValueButton());
    expect(writeConflictValue).not.toHaveBeenCalled();
    // Opened again, it starts from the journal's value, not the cancelled text.
    newValueButton().click();
    await settle();
    expect(document.querySelector<HTMLInputElement>(`${phoneForm} [data-new-column=phone]`)!.value).toBe("60 70 80 90");
  });

  it("saves with Enter through the core, shows the conflict as resolved and the count drops", async () => {
    conflictReview.mockResolvedValue([phone()]);
    writeConflictValue.mockResolvedValue([]);
    screen = mount(Conflicts, { target: document.body });
    await settle();
    newValueButton().click();
    await settle();
    type(`${phoneForm} [data-new-column=phone]`, "11 22 33 44");
    key(document.querySelector(`${phoneForm} [data-new-column=phone]`)!, "Enter");
    await settle();
    expect(writeConflictValue).toHaveBeenCalledWith({
      row: "00000000-0000-4000-8000-000300000018",
      group: "phone",
      values: [{ column: "phone", text: "11 22 33 44" }],
    });
    expect(text("[data-resolved]")).toBe(
      "Konflikten er løst: telefon for Michael Skovbo Rask er nu «11 22 33 44» (en ny værdi). Afgørelsen sendes med næste bundle til partneren.",
    );
    expect(document.activeElement).toBe(document.querySelector("[data-resolved]"));
    expect(document.querySelector(phoneForm)).toBeNull();
    expect(document.querySelector("[data-no-conflicts]")).not.toBeNull();
    expect(app.conflicts).toBe(0);
  });

  it("has a list for a code and for ja/nej, and sends every column of the field", async () => {
    const c = cpr();
    conflictReview.mockResolvedValue([c]);
    writeConflictValue.mockResolvedValue([]);
    screen = mount(Conflicts, { target: document.body });
    await settle();
    newValueButton().click();
    await settle();
    const form = `form[data-new-value="${c.row}/cpr"]`;
    const choices = (col: string) => [...document.querySelectorAll<HTMLOptionElement>(`${form} select[data-new-column=${col}] option`)].map((o) => [o.value, o.textContent]);
    expect(choices("anonymous")).toEqual([["ja", "ja"], ["nej", "nej"]]);
    expect(choices("sex")).toEqual([["", "(tom)"], ["M", "mand"], ["K", "kvinde"]]);
    expect(document.querySelector<HTMLSelectElement>(`${form} select[data-new-column=sex]`)!.value).toBe("M");
    expect(document.querySelector(`${form} input[data-new-column=birth_date]`)).not.toBeNull();
    type(`${form} [data-new-column=cpr]`, "030380-1236");
    type(`${form} [data-new-column=birth_date]`, "");
    type(`${form} [data-new-column=sex]`, "K");
    (document.querySelector(`${form} [data-action=save-new-value]`) as HTMLButtonElement).click();
    await settle();
    expect(writeConflictValue).toHaveBeenCalledWith({
      row: c.row,
      group: "cpr",
      values: [
        { column: "cpr", text: "030380-1236" },
        { column: "anonymous", text: "nej" },
        { column: "birth_date", text: "" },
        { column: "sex", text: "K" },
      ],
    });
    expect(text("[data-resolved]")).toContain("er nu «CPR-nummer: 030380-1236; anonym: nej; fødselsdato: (tom); køn: kvinde» (en ny værdi)");
  });

  it("shows the core's refusal in the form, beside its field, and keeps the conflict open", async () => {
    const c = cpr();
    conflictReview.mockResolvedValue([c]);
    writeConflictValue.mockRejectedValueOnce(
      new CommandError({ code: "yes_no", message: "«måske» er hverken ja eller nej. Skriv ja eller nej.", field: "anonymous" }),
    );
    writeConflictValue.mockRejectedValueOnce(
      new CommandError({ code: "conflict_choose_only", message: "Feltet «enhed» skrives ikke som en ny værdi; vælg en af værdierne. Der er ikke skrevet noget.", field: null }),
    );
    screen = mount(Conflicts, { target: document.body });
    await settle();
    newValueButton().click();
    await settle();
    const form = `form[data-new-value="${c.row}/cpr"]`;
    key(document.querySelector(`${form} [data-new-column=cpr]`)!, "Enter");
    await settle();
    expect(text(`${form} [data-error-for=anonymous]`)).toBe("«måske» er hverken ja eller nej. Skriv ja eller nej.");
    expect(document.querySelector(`${form} select[data-new-column=anonymous]`)!.getAttribute("aria-invalid")).toBe("true");
    key(document.querySelector(`${form} [data-new-column=cpr]`)!, "Enter");
    await settle();
    expect(text(`${form} [role=alert][data-error-for=_form]`)).toBe("Feltet «enhed» skrives ikke som en ny værdi; vælg en af værdierne. Der er ikke skrevet noget.");
    expect(document.querySelector("[data-resolved]")).toBeNull();
    expect(document.querySelector(form)).not.toBeNull();
    expect(app.conflicts).toBe(1);
  });
});
