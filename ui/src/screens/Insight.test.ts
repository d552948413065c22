import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

const insightReport = vi.fn();
const saveInsightPdf = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return {
    api: { insightReport: (id: unknown) => insightReport(id), saveInsightPdf: (f: unknown) => saveInsightPdf(f), openSaved: vi.fn(), showSaved: vi.fn() },
    CommandError,
  };
});
vi.mock("../lib/app.svelte", () => ({
  app: {
    today: "2026-11-23", go: vi.fn(), folders: { journals: "/data", documents: "/dok", separator: "/" },
    ref: { audit_actions: [{ code: "read", label: "læst" }, { code: "create", label: "oprettet" }] },
  },
}));
vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(), save: vi.fn() }));

const { default: Insight } = await import("./Insight.svelte");
const { CommandError } = await import("../ipc");

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  insightReport.mockReset();
  saveInsightPdf.mockReset();
});
async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, " ").trim();

const view = {
  client_id: "c1", name: "Åse Indsigtsen", title: "Indsigt: alt om én borger, udskrevet 23-11-2026",
  record: "Åse Indsigtsen\n  CPR: 070770-7777\n\nNotater\n  05-10-2026 Første samtale",
  access: [
    { seq: 3, at: "2026-11-23T10:15:00.000Z", staff: "Birgitte Holmsgaard", initials: "BH", unit: "Faxe Rusmiddelcenter", action: "read", what: "client", what_label: "klient", purpose: null },
  ],
};

describe("the insight report", () => {
  it("shows the whole record and every access in Danish, and saves it as PDF", async () => {
    insightReport.mockResolvedValue(view);
    saveInsightPdf.mockResolvedValue("/dok/indsigt.pdf");
    screen = mount(Insight, { target: document.body, props: { id: "c1" } });
    await settle();
    expect(insightReport).toHaveBeenCalledWith("c1");
    expect(text("h1")).toBe("Indsigt: Åse Indsigtsen");
    expect(document.querySelector("[data-insight-record]")?.textContent).toContain("CPR: 070770-7777");
    const cells = [...document.querySelectorAll("[data-table=insight-access] tbody td")].map((td) => td.textContent);
    expect(cells).toEqual(["23-11-2026 10:15", "Birgitte Holmsgaard (BH)", "Faxe Rusmiddelcenter", "læst", "klient"]);
    const path = document.querySelector<HTMLInputElement>("[data-form=insight-pdf] input[name=path]")!;
    expect(path.value).toBe("/dok/indsigt-åse-indsigtsen-23-11-2026.pdf");
    document.querySelector("form[data-form=insight-pdf]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(saveInsightPdf).toHaveBeenCalledWith({ client_id: "c1", path: "/dok/indsigt-åse-indsigtsen-23-11-2026.pdf" });
    expect(document.querySelector("[data-saved-file='/dok/indsigt.pdf']")).not.toBeNull();
  });

  it("shows the core's refusal to anyone but the leader, and nothing of the record", async () => {
    insightReport.mockRejectedValue(new CommandError({ code: "forbidden", message: "Kun lederen må se adgangsloggen.", field: null }));
    screen = mount(Insight, { target: document.body, props: { id: "c1" } });
    await settle();
    expect(text("[data-error-for=_form]")).toBe("Kun lederen må se adgangsloggen.");
    expect(document.querySelector("[data-insight]")).toBeNull();
  });
});
