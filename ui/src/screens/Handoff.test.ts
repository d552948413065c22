import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import type { BundleProgress, BundleWritten } from "../ipc";

// The shell is not there in a component test: the one IPC module is replaced.
const bundleStatus = vi.fn();
const exportBundle = vi.fn();
let progressHandler: ((p: BundleProgress) => void) | null = null;
const stopListening = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return {
    api: {
      bundleStatus: () => bundleStatus(),
      exportBundle: (f: unknown) => exportBundle(f),
    },
    onBundleProgress: async (h: (p: BundleProgress) => void) => {
      progressHandler = h;
      return stopListening;
    },
    CommandError,
  };
});
vi.mock("../lib/app.svelte", () => ({
  app: {
    today: "2026-11-23",
    journal: { unit: "Faxe Rusmiddelcenter", user: { role: { code: "alcohol_consultant" } } },
    folders: { journals: "/data", documents: "/dok", separator: "/" },
    refreshConflicts: vi.fn(),
  },
}));
vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));

const { default: Handoff } = await import("./Handoff.svelte");

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  progressHandler = null;
  bundleStatus.mockReset();
  exportBundle.mockReset();
  stopListening.mockReset();
});

async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, " ").trim();

const stevns = {
  partner: { site: "s-stevns", name: "Center Familie, Stevns", unit_name: "Center Familie", municipality: "0336", fingerprint: "1234 5678 9012 3456 7890", added_at: "2026-11-01T10:00:00Z" },
  last_sent: null,
  last_received: null,
  acknowledged: null,
};

describe("the Overlevering screen", () => {
  it("moves the bar through the core's stages while a bundle is exported, then says what was written", async () => {
    bundleStatus.mockResolvedValue([stevns]);
    let finish: (w: BundleWritten) => void = () => undefined;
    exportBundle.mockReturnValue(new Promise<BundleWritten>((r) => (finish = r)));
    screen = mount(Handoff, { target: document.body });
    await settle();
    const dir = document.querySelector<HTMLInputElement>("[data-form=export] input[name=path]")!;
    dir.value = "/media/usb";
    dir.dispatchEvent(new Event("input", { bubbles: true }));
    document.querySelector("form[data-form=export]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(exportBundle).toHaveBeenCalledWith({ partner: "s-stevns", dir: "/media/usb" });

    // Before the first stage: a bar that only says it works.
    expect(document.querySelector("[data-progress] progress")!.hasAttribute("value")).toBe(false);
    progressHandler!({ stage: "Compress", step: 2, steps: 4, label: "Pakker ændringerne" });
    flushSync();
    expect(text("[data-progress]")).toBe("Trin 2 af 4: Pakker ændringerne …");
    const bar = document.querySelector<HTMLProgressElement>("[data-progress] progress")!;
    expect([bar.value, bar.max]).toEqual([1, 4]);
    progressHandler!({ stage: "Write", step: 4, steps: 4, label: "Skriver filen" });
    flushSync();
    expect(document.querySelector<HTMLProgressElement>("[data-progress] progress")!.value).toBe(3);

    finish({
      path: "/media/usb/b.tovholder",
      file_name: "tovholder-faxe-til-stevns-0012.tovholder",
      partner: "Center Familie, Stevns",
      seq: 12,
      counts: { changes: 412, people: 38, tables: {}, revoked: 0 },
      size: 1_258_291,
    });
    await settle();
    expect(document.querySelector("[data-progress]")).toBeNull();
    expect(stopListening).toHaveBeenCalled();
    expect(text("[data-export-done] .ok-text")).toBe("Bundle 12 til Center Familie, Stevns: 38 borgere, 412 ændringer, 1,2 MB");
  });
});

describe("a whole folder on Overlevering", () => {
  it("shows each bundle of the folder and its refusal before anything is written, then reads them all", async () => {
    bundleStatus.mockResolvedValue([stevns]);
    const counts = { changes: 4, people: 1, tables: {}, revoked: 0 };
    const bundleOf = (status: "DryRun" | "Applied", seq: number) => ({
      status, from: "Center Familie, Stevns", seq, counts, people: [], tables: [], new_conflicts: [{ table: "client", row: "r", group: "phone", label: "klient: telefon" }], removed: [], warnings: [],
    });
    const importBundleDir = vi.fn();
    importBundleDir
      .mockResolvedValueOnce([
        { file_name: "b-0002.tovholder", import: bundleOf("DryRun", 2), error: null },
        { file_name: "kopi.tovholder", import: null, error: { code: "bundle_damaged", message: "Filen er ændret eller beskadiget.", field: null } },
      ])
      .mockResolvedValueOnce([
        { file_name: "b-0002.tovholder", import: bundleOf("Applied", 2), error: null },
        { file_name: "kopi.tovholder", import: null, error: { code: "bundle_damaged", message: "Filen er ændret eller beskadiget.", field: null } },
      ]);
    const ipc = (await import("../ipc")) as unknown as { api: Record<string, unknown> };
    ipc.api.importBundleDir = importBundleDir;
    screen = mount(Handoff, { target: document.body });
    await settle();
    const dir = document.querySelector<HTMLInputElement>("[data-form=import-dir] input[name=path]")!;
    dir.value = "/media/usb";
    dir.dispatchEvent(new Event("input", { bubbles: true }));
    document.querySelector("form[data-form=import-dir]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(importBundleDir).toHaveBeenLastCalledWith({ path: "/media/usb", dry_run: true });
    expect(text("[data-folder-file='b-0002.tovholder']")).toBe("b-0002.tovholder: Bundle 2 fra Center Familie, Stevns: 1 borger, 4 ændringer. 1 konflikt opstår: klient: telefon.");
    expect(text("[data-folder-file='kopi.tovholder']")).toBe("kopi.tovholder: Filen er ændret eller beskadiget.");
    expect(text("[data-action=apply-import-dir]")).toBe("Indlæs 1 bundle");
    (document.querySelector("[data-action=apply-import-dir]") as HTMLButtonElement).click();
    await settle();
    expect(importBundleDir).toHaveBeenLastCalledWith({ path: "/media/usb", dry_run: false });
    expect(document.querySelector("[data-folder-preview]")).toBeNull();
    expect(text("[data-folder-result='b-0002.tovholder']")).toContain("Indlæst: Bundle 2 fra Center Familie, Stevns");
    expect(text("[data-folder-result='kopi.tovholder']")).toBe("Filen er ændret eller beskadiget.");
  });
});

describe("one bundle read on Overlevering", () => {
  it("says what was read and how many conflicts wait as two sentences", async () => {
    bundleStatus.mockResolvedValue([stevns]);
    const counts = { changes: 168, people: 12, tables: {}, revoked: 0 };
    const conflict = { table: "client", row: "r", group: "phone", label: "klient: telefon" };
    const bundleOf = (status: "DryRun" | "Applied") => ({
      status, from: "Center Familie, Stevns", seq: 2, counts, people: [], tables: [], new_conflicts: [conflict], removed: [], warnings: [],
    });
    const importBundle = vi.fn();
    importBundle.mockResolvedValueOnce(bundleOf("DryRun")).mockResolvedValueOnce(bundleOf("Applied"));
    const ipc = (await import("../ipc")) as unknown as { api: Record<string, unknown> };
    ipc.api.importBundle = importBundle;
    screen = mount(Handoff, { target: document.body });
    await settle();
    const file = document.querySelector<HTMLInputElement>("[data-form=import] input[name=path]")!;
    file.value = "/media/usb/b-0002.tovholder";
    file.dispatchEvent(new Event("input", { bubbles: true }));
    document.querySelector("form[data-form=import]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(importBundle).toHaveBeenLastCalledWith({ path: "/media/usb/b-0002.tovholder", dry_run: true });
    (document.querySelector("[data-action=apply-import]") as HTMLButtonElement).click();
    await settle();
    expect(importBundle).toHaveBeenLastCalledWith({ path: "/media/usb/b-0002.tovholder", dry_run: false });
    expect(document.querySelector("[data-import-done] p")!.textContent).toBe(
      "Bundle 2 fra Center Familie, Stevns er indlæst: 12 borgere, 168 ændringer. 1 konflikt venter på at blive afgjort.",
    );
  });
});
