import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

// The shell is not there in a component test: the one IPC module is replaced.
const saveNabExtract = vi.fn();
vi.mock("../../ipc", async () => {
  const { CommandError } = await import("../../ipc/error");
  return { api: { saveNabExtract: (f: unknown) => saveNabExtract(f) }, CommandError };
});
vi.mock("../../lib/app.svelte", () => ({ app: { today: "2026-11-23" } }));

const { default: NabPanel } = await import("./NabPanel.svelte");
const { CommandError } = await import("../../ipc");

let panel: Record<string, unknown> | null = null;
afterEach(() => {
  if (panel) unmount(panel);
  panel = null;
  document.body.innerHTML = "";
  saveNabExtract.mockReset();
});

async function submit() {
  document.querySelector("form[data-form=nab]")!.dispatchEvent(new Event("submit", { cancelable: true }));
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

describe("the NAB extract panel", () => {
  it("asks for the year so far at institution 3502, and lists every incomplete course by name", async () => {
    saveNabExtract.mockResolvedValue({
      kind: "incomplete",
      problems: [
        { course_id: "c1", client: "Nanna Udredningsløs", problem: "mangler udredning" },
        { course_id: "c2", client: "Ole Uden CPR", problem: "mangler CPR-nummer, AUDIT-score" },
      ],
    });
    panel = mount(NabPanel, { target: document.body });
    await submit();
    expect(saveNabExtract).toHaveBeenCalledWith({ from: "01-01-2026", to: "23-11-2026", institution: "3502", path: "nab-udtraek.csv" });
    const rows = [...document.querySelectorAll("[data-nab-problem]")].map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([["Nanna Udredningsløs", "udredning"], ["Ole Uden CPR", "CPR-nummer, AUDIT-score"]]);
    expect(document.querySelector("[data-nab-incomplete]")?.textContent).toContain("2 forløb mangler oplysninger");
    expect(document.querySelector("[data-nab-written]")).toBeNull();
  });

  it("says where the extract was written, and puts a refused path beside the path field", async () => {
    saveNabExtract.mockResolvedValue({ kind: "written", path: "/tmp/nab.csv", courses: 9 });
    panel = mount(NabPanel, { target: document.body });
    await submit();
    expect(document.querySelector("[data-nab-written]")?.textContent).toBe("NAB-udtræk med 9 forløb er gemt: /tmp/nab.csv");

    saveNabExtract.mockRejectedValue(
      new CommandError({ code: "path_required", message: "Skriv den fulde sti til filen.", field: "path" }),
    );
    await submit();
    expect(document.querySelector("[data-error-for=path]")?.textContent).toBe("Skriv den fulde sti til filen.");
    expect(document.querySelector("[data-nab-written]")).toBeNull();
  });
});
