import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import type { ConflictView } from "../ipc";

// The shell is not there in a component test: the one IPC module is replaced.
const conflictReview = vi.fn();
const resolveConflict = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return {
    api: {
      conflictReview: () => conflictReview(),
      resolveConflict: (f: unknown) => resolveConflict(f),
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
  ...over,
});

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  conflictReview.mockReset();
  resolveConflict.mockReset();
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
      phone({ person_name: null, values: phone().values.map((v) => ({ ...v, value: null })) }),
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
  });
});
