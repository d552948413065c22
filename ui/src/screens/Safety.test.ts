import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

// The shell is not there in a component test: the one IPC module is replaced.
const backupJournal = vi.fn();
const checkJournal = vi.fn();
const expiredClients = vi.fn();
const deleteExpired = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return {
    api: {
      backupJournal: (f: unknown) => backupJournal(f),
      checkJournal: (f: unknown) => checkJournal(f),
      expiredClients: (f: unknown) => expiredClients(f),
      deleteExpired: (f: unknown) => deleteExpired(f),
      openSaved: vi.fn(),
      showSaved: vi.fn(),
    },
    CommandError,
  };
});
vi.mock("../lib/app.svelte", () => ({
  app: { today: "2026-11-23", journal: { unit: "Faxe Rusmiddelcenter" }, folders: { journals: "/data", documents: "/dok", separator: "/" } },
}));
vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));

const { default: Safety } = await import("./Safety.svelte");
const { CommandError } = await import("../ipc");

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  for (const f of [backupJournal, checkJournal, expiredClients, deleteExpired]) f.mockReset();
});

async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, " ").trim();
const submit = async (form: string) => {
  document.querySelector(`form[data-form=${form}]`)!.dispatchEvent(new Event("submit", { cancelable: true }));
  await settle();
};
const click = async (css: string) => {
  (document.querySelector(css) as HTMLButtonElement).click();
  await settle();
};
const type = (css: string, value: string) => {
  const i = document.querySelector<HTMLInputElement>(css)!;
  i.value = value;
  i.dispatchEvent(new Event("input"));
};

describe("the Sikkerhed screen", () => {
  it("suggests a dated backup file in Documents, and says the copy was written and checked", async () => {
    backupJournal.mockResolvedValue({ journal: "/usb/kopi.journal", keyring: "/usb/kopi.journal.keys", bytes: 3_250_000 });
    screen = mount(Safety, { target: document.body });
    flushSync();
    const path = document.querySelector<HTMLInputElement>("[data-form=backup] input[name=path]")!;
    expect(path.value).toBe("/dok/sikkerhedskopi-faxe-rusmiddelcenter-23-11-2026.journal");
    type("[data-form=backup] input[name=path]", "/usb/kopi.journal");
    await submit("backup");
    expect(backupJournal).toHaveBeenCalledWith({ path: "/usb/kopi.journal" });
    expect(text("[data-backup-done]")).toContain("Sikkerhedskopien er skrevet og kontrolleret (3,1 MB)");
    expect(text("[data-backup-done]")).toContain("/usb/kopi.journal.keys");
    expect(document.querySelector("[data-saved-file='/usb/kopi.journal']")).not.toBeNull();
  });

  it("shows the core's refusal beside the path, marks it invalid and puts the focus there", async () => {
    backupJournal.mockRejectedValue(new CommandError({ code: "already_exists", message: "Filen findes allerede: /usb/kopi.journal", field: "path" }));
    screen = mount(Safety, { target: document.body });
    flushSync();
    (document.querySelector("[data-action=backup]") as HTMLButtonElement).focus();
    await submit("backup");
    const path = document.querySelector<HTMLInputElement>("[data-form=backup] input[name=path]")!;
    expect(text("[data-form=backup] [data-error-for=path]")).toBe("Filen findes allerede: /usb/kopi.journal");
    expect(path.getAttribute("aria-invalid")).toBe("true");
    const described = path.getAttribute("aria-describedby")!;
    expect(document.getElementById(described)?.textContent).toContain("findes allerede");
    expect(document.activeElement).toBe(path);
    expect(document.querySelector("[data-backup-done]")).toBeNull();
  });

  it("lists every part of the journal's check with what was found, and forgets the password", async () => {
    checkJournal.mockResolvedValue({
      journal: "/data/faxe.journal",
      items: [
        { part: "keyring", what: "Nøglefilen", ok: true, message: "Nøglefilen er intakt (4 nøgler)." },
        { part: "pages", what: "Journalens sider og struktur", ok: false, message: "Journalen er beskadiget. Gendan journalen fra den nyeste sikkerhedskopi." },
      ],
    });
    screen = mount(Safety, { target: document.body });
    flushSync();
    type("[data-form=check] input[name=password]", "min-kode-123");
    await submit("check");
    expect(checkJournal).toHaveBeenCalledWith({ password: "min-kode-123" });
    expect(text("[data-check-summary]")).toContain("Der er fundet fejl");
    expect(text("[data-check-item=keyring]")).toBe("I orden Nøglefilen: Nøglefilen er intakt (4 nøgler).");
    expect(text("[data-check-item=pages]")).toContain("Fejl Journalens sider og struktur: Journalen er beskadiget.");
    expect(document.querySelector<HTMLInputElement>("[data-form=check] input[name=password]")!.value).toBe("");
  });

  it("deletes an expired record only after a confirmation that names it", async () => {
    const old = { client_id: "c1", name: "Gammel Gert", last_entry: "2014-03-01" };
    expiredClients.mockResolvedValueOnce({ years: 10, expired: [old] }).mockResolvedValueOnce({ years: 10, expired: [] });
    deleteExpired.mockResolvedValue(42);
    screen = mount(Safety, { target: document.body });
    flushSync();
    await submit("retention");
    expect(expiredClients).toHaveBeenCalledWith({ years: "10" });
    expect(text("tr[data-expired='Gammel Gert']")).toContain("01-03-2014");
    await click("tr[data-expired='Gammel Gert'] [data-action=delete-expired]");
    expect(deleteExpired).not.toHaveBeenCalled();
    expect(text("[data-confirm=delete]")).toContain("Hele journalen for Gammel Gert (sidste notat 01-03-2014) slettes");
    expect(document.activeElement?.getAttribute("data-action")).toBe("cancel-delete");
    await click("[data-action=cancel-delete]");
    expect(document.querySelector("[data-confirm=delete]")).toBeNull();
    await click("tr[data-expired='Gammel Gert'] [data-action=delete-expired]");
    await click("[data-action=confirm-delete]");
    expect(deleteExpired).toHaveBeenCalledWith({ client_id: "c1", years: "10" });
    expect(text("[data-deleted]")).toBe("Journalen for Gammel Gert er slettet (42 rækker). Sletningen står i adgangsloggen.");
    expect(text("[data-retention-empty]")).toBe("Ingen journaler er ældre end 10 år efter sidste notat.");
  });

  it("shows a refused deletion as the core's Danish message and keeps the confirmation", async () => {
    expiredClients.mockResolvedValue({ years: 10, expired: [{ client_id: "c1", name: "Gammel Gert", last_entry: "2014-03-01" }] });
    deleteExpired.mockRejectedValue(new CommandError({ code: "forbidden", message: "Din rolle må ikke slette journaler.", field: null }));
    screen = mount(Safety, { target: document.body });
    flushSync();
    await submit("retention");
    await click("[data-action=delete-expired]");
    await click("[data-action=confirm-delete]");
    expect(text("[data-retention] [data-error-for=_form]")).toBe("Din rolle må ikke slette journaler.");
    expect(document.querySelector("[data-confirm=delete]")).not.toBeNull();
  });
});
