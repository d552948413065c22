import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

// The shell is not there in a component test: the one IPC module is replaced.
const startMedication = vi.fn();
const giveConsent = vi.fn();
vi.mock("../../ipc", async () => {
  const { CommandError } = await import("../../ipc/error");
  return {
    api: {
      startMedication: (f: unknown) => startMedication(f),
      stopMedication: vi.fn(),
      giveConsent: (f: unknown) => giveConsent(f),
      withdrawConsent: vi.fn(),
    },
    CommandError,
  };
});
const codes: Record<string, { code: string; label: string }[]> = {
  medication: [{ code: "antabus", label: "Antabus" }, { code: "campral", label: "Campral" }],
  consent_scope: [{ code: "family_department", label: "Udveksling med familieafdelingen" }, { code: "gp", label: "Udveksling med egen læge" }],
};
vi.mock("../../lib/app.svelte", () => ({
  app: {
    today: "2026-11-23",
    ref: { units: [{ code: "u-faxe", label: "Familie & PPR-Enheden, Faxe Kommune" }, { code: "u-stevns", label: "Center Familie, Stevns Kommune" }] },
    codes: (list: string) => codes[list] ?? [],
  },
}));

const { default: MedicationPanel } = await import("./MedicationPanel.svelte");
const { default: ConsentPanel } = await import("./ConsentPanel.svelte");
const { CommandError } = await import("../../ipc");

let panel: Record<string, unknown> | null = null;
afterEach(() => {
  if (panel) unmount(panel);
  panel = null;
  document.body.innerHTML = "";
  startMedication.mockReset();
  giveConsent.mockReset();
});

async function settle() {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const $ = <T extends Element>(css: string) => document.querySelector(css) as T;
function type(css: string, value: string) {
  const el = $<HTMLInputElement | HTMLSelectElement>(css);
  el.value = value;
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? "change" : "input", { bubbles: true }));
  flushSync();
}
function click(css: string) {
  $<HTMLButtonElement>(css).click();
  flushSync();
}
async function submit(form: string) {
  $(`form[data-form=${form}]`).dispatchEvent(new Event("submit", { cancelable: true }));
  await settle();
}

const course = {
  id: "c1", referral_id: null, unit: "Faxe Rusmiddelcenter", kind: { code: "alcohol", label: "Alkoholbehandling" },
  setting: { code: "ambulant", label: "Ambulant" }, status: { code: "active", label: "I behandling" }, enrolled_on: "2026-02-09",
  start_on: "2026-02-16", follow_up_from: null, end_on: null, end_reason: null, case_owner: "Lene Vestergaard Krog",
  paying_municipality: { code: "0320", label: "Faxe" }, waiting_days: 14, assessments: [], plan: [], evaluations: [],
  medications: [
    { id: "m1", drug: { code: "campral", label: "Campral" }, dose: "333 mg", started_on: "2026-03-01", started_by: "Jens Aaskov",
      stopped_on: null, stopped_by: null, stop_reason: null },
    { id: "m2", drug: { code: "antabus", label: "Antabus" }, dose: "400 mg", started_on: "2026-02-20", started_by: "Jens Aaskov",
      stopped_on: "2026-03-01", stopped_by: "Mikkel Sønderby", stop_reason: "Pause" },
  ],
  stamp: { created_at: "", created_by: "", changed_at: "", changed_by: "", origin_site: "", version: 0 },
};

describe("the medication panel", () => {
  it("shows current and stopped medication, and the core's refusal beside the form with the typed dose kept", async () => {
    const reload = vi.fn();
    panel = mount(MedicationPanel, { target: document.body, props: { course: course as never, reload } });
    expect($("tr[data-medication=campral][data-current]")).not.toBeNull();
    expect($("tr[data-medication=antabus][data-stopped]").textContent).toContain("01-03-2026");
    click("[data-action=start-medication]");
    type("[data-form=start-medication] select[name=drug]", "antabus");
    type("[data-form=start-medication] input[name=dose]", "800 mg mandag og torsdag");
    type("[data-form=start-medication] input[name=started_on]", "20-11-2026");
    startMedication.mockRejectedValueOnce(new CommandError({ code: "forbidden", field: null, message: "Din rolle giver ikke adgang til at ordinere medicin." }));
    await submit("start-medication");
    expect(startMedication).toHaveBeenCalledWith({ course_id: "c1", drug: "antabus", dose: "800 mg mandag og torsdag", started_on: "20-11-2026" });
    expect($("[data-form=start-medication] [data-error-for=_form]").textContent).toBe("Din rolle giver ikke adgang til at ordinere medicin.");
    expect($<HTMLInputElement>("[data-form=start-medication] input[name=dose]").value).toBe("800 mg mandag og torsdag");
    expect(reload).not.toHaveBeenCalled();
  });
});

describe("the consent panel", () => {
  const record = { client: { id: "k1" }, consents: [] };
  it("fills in the recipient from the chosen unit, follows a change of unit, and keeps a typed recipient", async () => {
    const reload = vi.fn();
    panel = mount(ConsentPanel, { target: document.body, props: { record: record as never, reload } });
    click("[data-action=give-consent]");
    type("[data-form=consent] select[name=to_unit]", "u-faxe");
    expect($<HTMLInputElement>("[data-form=consent] input[name=recipient]").value).toBe("Familie & PPR-Enheden, Faxe Kommune");
    type("[data-form=consent] select[name=to_unit]", "u-stevns");
    expect($<HTMLInputElement>("[data-form=consent] input[name=recipient]").value).toBe("Center Familie, Stevns Kommune");
    type("[data-form=consent] input[name=recipient]", "Sagsbehandler Eva Lind");
    type("[data-form=consent] select[name=to_unit]", "u-faxe");
    expect($<HTMLInputElement>("[data-form=consent] input[name=recipient]").value).toBe("Sagsbehandler Eva Lind");
    type("[data-form=consent] select[name=scope]", "family_department");
    type("[data-form=consent] input[name=given_on]", "20-11-2026");
    giveConsent.mockResolvedValueOnce("s1");
    await submit("consent");
    expect(giveConsent).toHaveBeenCalledWith({ client_id: "k1", scope: "family_department", to_unit: "u-faxe",
      recipient: "Sagsbehandler Eva Lind", given_on: "20-11-2026", remarks: "" });
    expect(reload).toHaveBeenCalled();
  });
});
