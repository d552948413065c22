import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import type { BundleImport, CardPreview } from "../../ipc";

// The shell is not there in a component test: the one IPC module is replaced.
const addPartner = vi.fn();
vi.mock("../../ipc", async () => {
  const { CommandError } = await import("../../ipc/error");
  return { api: { addPartner: (f: unknown) => addPartner(f) }, CommandError };
});

const { default: ImportPreview } = await import("./ImportPreview.svelte");
const { default: PartnerConfirm } = await import("./PartnerConfirm.svelte");
const { CommandError } = await import("../../ipc");

let shown: Record<string, unknown> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = "";
  addPartner.mockReset();
});

async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, " ").trim();
const all = (css: string) => [...document.querySelectorAll(css)].map((e) => e.textContent?.replace(/\s+/g, " ").trim());

const preview = (over: Partial<BundleImport> = {}): BundleImport => ({
  status: "DryRun",
  from: "Stevns Familieafdeling",
  seq: 12,
  counts: { changes: 412, people: 2, tables: { note: 400, session: 12 }, revoked: 0 },
  people: [
    { person: "c1", name: "Fie Testesen", changes: 410, fields: [{ label: "journalnotat (ny)", changes: 400 }, { label: "samtale (ny)", changes: 9 }, { label: "klient: telefon", changes: 1 }] },
    { person: "c2", name: null, changes: 2, fields: [] },
  ],
  tables: [{ label: "journalnotat", changes: 400 }, { label: "samtale", changes: 12 }],
  new_conflicts: [{ table: "child_link", row: "c1", group: "residence", label: "barn knyttet til klient: bopæl, samvær" }],
  removed: [],
  warnings: [],
  ...over,
});

describe("the import preview", () => {
  it("shows per person what will change and which conflicts will open, before anything is written", async () => {
    const onapply = vi.fn();
    const oncancel = vi.fn();
    shown = mount(ImportPreview, { target: document.body, props: { preview: preview(), onapply, oncancel } });
    await settle();
    expect(text("#preview-title")).toBe("Bundle 12 fra Stevns Familieafdeling");
    expect(text("[data-summary]")).toContain("2 borgere, 412 ændringer");
    expect(text("[data-summary]")).toContain("Intet er skrevet endnu");
    expect(text("[data-tables]")).toBe("journalnotat 400, samtale 12");
    expect([...document.querySelectorAll("[data-people] tbody tr")].map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent?.trim()))).toEqual([
      ["Fie Testesen", "journalnotat (ny) (400), samtale (ny) (9), klient: telefon", "410"],
      ["Borger (navnet vises ikke for din rolle)", "", "2"],
    ]);
    expect(text("[data-conflicts] strong")).toBe("1 konflikt opstår:");
    // Records, fields and conflicts by the core's Danish names, never the raw column names.
    expect(all("[data-conflict]")).toEqual(["barn knyttet til klient: bopæl, samvær"]);
    expect(document.querySelector("[data-preview]")?.textContent).not.toMatch(/residence|visitation|phone|_/);
    // The focus is on the preview's heading, so a keyboard user reads it from the top.
    expect(document.activeElement?.id).toBe("preview-title");
    expect(onapply).not.toHaveBeenCalled();
    (document.querySelector("[data-action=apply-import]") as HTMLButtonElement).click();
    expect(onapply).toHaveBeenCalledTimes(1);
    expect(oncancel).not.toHaveBeenCalled();
  });

  it("cancels with Escape, says when no conflict opens, and names removed data", async () => {
    const onapply = vi.fn();
    const oncancel = vi.fn();
    const p = preview({
      new_conflicts: [], counts: { changes: 3, people: 1, tables: { consent: 3 }, revoked: 2 },
      people: [{ person: "c1", name: "Fie Testesen", changes: 3, fields: [{ label: "samtykke (ny)", changes: 3 }] }],
      tables: [{ label: "samtykke", changes: 3 }],
      removed: [
        { person: "c7", name: "Ole Prøvesen", records: [{ label: "klient", changes: 1 }, { label: "samtale", changes: 3 }], reason: "samtykket til jer blev trukket tilbage den 26-11-2026" },
        { person: "c8", name: null, records: [], reason: "sagen er ikke længere delt med jer" },
      ],
    });
    shown = mount(ImportPreview, { target: document.body, props: { preview: p, onapply, oncancel } });
    await settle();
    expect(text("[data-no-conflicts]")).toBe("Ingen konflikter opstår.");
    expect(text("[data-summary]")).toContain("1 borger, 3 ændringer, og 2 oplysninger fjernes");
    expect(text("[data-removed] strong")).toBe("Fjernes fra journalen:");
    expect(all("[data-removed] li")).toEqual([
      "Ole Prøvesen (klient, samtale 3): samtykket til jer blev trukket tilbage den 26-11-2026.",
      "Borger (navnet vises ikke for din rolle): sagen er ikke længere delt med jer.",
    ]);
    document.querySelector("[data-preview]")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(oncancel).toHaveBeenCalledTimes(1);
    expect(onapply).not.toHaveBeenCalled();
  });

  it("offers nothing to apply for a bundle read before", async () => {
    shown = mount(ImportPreview, { target: document.body, props: { preview: preview({ status: "AlreadyImported" }), onapply: vi.fn(), oncancel: vi.fn() } });
    await settle();
    expect(text("[data-nothing]")).toContain("allerede indlæst");
    expect(document.querySelector("[data-action=apply-import]")).toBeNull();
  });
});

const card: CardPreview = {
  card: {
    format: 1, kind: "tovholder-site-card", site: "s-stevns", name: "Stevns Familieafdeling",
    unit: { id: "u1", name: "Familieafdelingen" }, municipality: "0336", sign_key: "ab", age_recipient: "age1x",
    created_at: "2026-12-01T10:00:00Z", signature: "cd",
  },
  fingerprint: "1234 5678 9012 3456",
};

describe("the partner confirmation", () => {
  it("shows the fingerprint large and registers only when confirmed, with the shown fingerprint", async () => {
    addPartner.mockResolvedValue({ name: "Stevns Familieafdeling", fingerprint: card.fingerprint, already: false });
    const ondone = vi.fn();
    shown = mount(PartnerConfirm, { target: document.body, props: { path: "/usb/stevns.json", preview: card, ondone, oncancel: vi.fn() } });
    await settle();
    expect(text("[data-fingerprint]")).toBe("1234 5678 9012 3456");
    expect(text("[data-field=municipality]")).toBe("0336");
    expect(addPartner).not.toHaveBeenCalled();
    document.querySelector("form[data-form=partner-confirm]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(addPartner).toHaveBeenCalledWith({ path: "/usb/stevns.json", fingerprint: "1234 5678 9012 3456" });
    expect(ondone).toHaveBeenCalledWith({ name: "Stevns Familieafdeling", fingerprint: card.fingerprint, already: false });
  });

  it("sends the typed fingerprint and shows the core's refusal, registering nothing", async () => {
    addPartner.mockRejectedValue(new CommandError({ code: "fingerprint_mismatch", message: "Fingeraftrykket passer ikke med stedkortets (1234 5678 9012 3456). Partneren er ikke registreret; ring til partneren, og sammenlign igen.", field: null }));
    const ondone = vi.fn();
    shown = mount(PartnerConfirm, { target: document.body, props: { path: "/usb/stevns.json", preview: card, ondone, oncancel: vi.fn() } });
    await settle();
    const input = document.querySelector<HTMLInputElement>("input[name=fingerprint]")!;
    input.value = " 1234 5678 0000 0000 ";
    input.dispatchEvent(new Event("input"));
    document.querySelector("form[data-form=partner-confirm]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(addPartner).toHaveBeenCalledWith({ path: "/usb/stevns.json", fingerprint: "1234 5678 0000 0000" });
    expect(text("[data-error-for=_form]")).toBe("Fingeraftrykket passer ikke med stedkortets (1234 5678 9012 3456). Partneren er ikke registreret; ring til partneren, og sammenlign igen.");
    expect(ondone).not.toHaveBeenCalled();
  });
});
