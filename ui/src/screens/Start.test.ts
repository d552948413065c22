import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

const municipalityList = vi.fn();
const restoreBackup = vi.fn();
const show = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return {
    api: {
      municipalityList: () => municipalityList(),
      restoreBackup: (f: unknown) => restoreBackup(f),
      createJournal: vi.fn(), openJournal: vi.fn(), openDemo: vi.fn(), saveRecoveryKey: vi.fn(),
    },
    CommandError,
  };
});
const app = { version: "0.1.0", aboutOpen: false, notice: "", show: (i: unknown) => show(i), opened: vi.fn(), folders: { journals: "/data", documents: "/dok", separator: "/" } };
vi.mock("../lib/app.svelte", () => ({ app }));
vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));

const { default: Start } = await import("./Start.svelte");
const { CommandError } = await import("../ipc");

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  municipalityList.mockReset();
  restoreBackup.mockReset();
  show.mockReset();
  app.notice = "";
});
async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, " ").trim();
const type = (css: string, value: string) => {
  const i = document.querySelector<HTMLInputElement>(css)!;
  i.value = value;
  i.dispatchEvent(new Event("input"));
};

describe("the start screen", () => {
  it("offers the municipalities by name, with Faxe chosen, and marks the choice required", async () => {
    municipalityList.mockResolvedValue([{ code: "0320", label: "Faxe" }, { code: "0259", label: "Køge" }, { code: "0336", label: "Stevns" }]);
    screen = mount(Start, { target: document.body });
    await settle();
    const select = document.querySelector<HTMLSelectElement>("[data-form=create] select[name=municipality]")!;
    expect([...select.options].map((o) => o.textContent)).toEqual(["Faxe (0320)", "Køge (0259)", "Stevns (0336)"]);
    expect(select.value).toBe("0320");
    expect(select.getAttribute("aria-required")).toBe("true");
  });

  it("restores a backup only after a confirmation naming both files, then opens its login screen", async () => {
    municipalityList.mockResolvedValue([]);
    const info = { locked: "/data/kopi-gendannet.journal" };
    restoreBackup.mockResolvedValue(info);
    screen = mount(Start, { target: document.body });
    await settle();
    type("[data-form=restore] input[name=backup]", "/usb/kopi.journal");
    flushSync();
    expect(document.querySelector<HTMLInputElement>("[data-form=restore] input[name=target]")!.value).toBe("/data/kopi-gendannet.journal");
    type("[data-form=restore] input[name=login]", "BH");
    type("[data-form=restore] input[name=password]", "hemmelig-kode");
    document.querySelector("form[data-form=restore]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(restoreBackup).not.toHaveBeenCalled();
    expect(text("[data-confirm=restore]")).toContain("/usb/kopi.journal kontrolleres og genskabes som den nye journal /data/kopi-gendannet.journal");
    (document.querySelector("[data-action=confirm-restore]") as HTMLButtonElement).click();
    await settle();
    expect(restoreBackup).toHaveBeenCalledWith({ backup: "/usb/kopi.journal", target: "/data/kopi-gendannet.journal", login: "BH", password: "hemmelig-kode" });
    expect(show).toHaveBeenCalledWith(info);
    expect(app.notice).toContain("kontrolleret og genskabt");
  });

  it("shows a damaged backup's refusal in Danish, forgets the password and makes nothing", async () => {
    municipalityList.mockResolvedValue([]);
    restoreBackup.mockRejectedValue(new CommandError({ code: "backup_damaged", message: "Sikkerhedskopien /usb/kopi.journal er beskadiget og kan ikke gendannes.", field: null }));
    screen = mount(Start, { target: document.body });
    await settle();
    type("[data-form=restore] input[name=backup]", "/usb/kopi.journal");
    type("[data-form=restore] input[name=login]", "BH");
    type("[data-form=restore] input[name=password]", "hemmelig-kode");
    document.querySelector("form[data-form=restore]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    (document.querySelector("[data-action=confirm-restore]") as HTMLButtonElement).click();
    await settle();
    expect(text("[data-form=restore] [data-error-for=_form]")).toContain("er beskadiget");
    expect(document.querySelector<HTMLInputElement>("[data-form=restore] input[name=password]")!.value).toBe("");
    expect(show).not.toHaveBeenCalled();
  });
});
