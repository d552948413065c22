import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

// The shell is not there in a component test: the one IPC module is replaced.
const settlement = vi.fn();
const approveSettlement = vi.fn();
vi.mock("../../ipc", async () => {
  const { CommandError } = await import("../../ipc/error");
  return {
    api: {
      settlement: (f: unknown) => settlement(f),
      approveSettlement: (f: unknown) => approveSettlement(f),
      saveSettlement: vi.fn(),
    },
    CommandError,
  };
});
vi.mock("../../lib/app.svelte", () => ({
  app: {
    today: "2026-11-23",
    ref: { municipalities: [{ code: "0320", label: "Faxe" }, { code: "0336", label: "Stevns" }] },
    label: (_list: string, code: string) => ({ ambulant: "Ambulant", day: "Dag" })[code] ?? code,
  },
}));

const { default: SettlementPanel } = await import("./SettlementPanel.svelte");
const { CommandError } = await import("../../ipc");

const line = (client: string, amount: string) => ({
  client, cpr: "0101701111", course: "Alkoholbehandling", setting: "ambulant", from: "2026-10-01",
  to: "2026-10-31", days: 31, price: "149,75 kr.", per: "day", amount,
});
const view = {
  payer: "0336", provider: "0320", period: "2026-10", total: "9.284,50 kr.", approval: null, problems: [],
  lines: [line("Stevns Anker", "4.642,25 kr."), line("Stevns Birk", "4.642,25 kr.")],
};

let panel: Record<string, unknown> | null = null;
afterEach(() => {
  if (panel) unmount(panel);
  panel = null;
  document.body.innerHTML = "";
  settlement.mockReset();
  approveSettlement.mockReset();
});

async function settle() {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

async function show() {
  document.querySelector("form[data-form=settlement]")!.dispatchEvent(new Event("submit", { cancelable: true }));
  await settle();
}

const text = (css: string) => document.querySelector(css)?.textContent?.replace(/\s+/g, " ").trim();

describe("the settlement panel", () => {
  it("asks for Stevns and last month, and shows the lines, the CPR with its dash and the total", async () => {
    settlement.mockResolvedValue(view);
    panel = mount(SettlementPanel, { target: document.body });
    await show();
    expect(settlement).toHaveBeenCalledWith({ payer: "0336", month: "2026-10" });
    expect(text("[data-settlement-title]")).toBe("Afregning til Stevns Kommune (0336) for oktober 2026");
    expect(document.querySelectorAll("[data-settlement-line]").length).toBe(2);
    expect(text("[data-settlement-line='Stevns Anker']")).toContain("010170-1111");
    expect(text("[data-settlement-line='Stevns Anker']")).toContain("149,75 kr. pr. dag");
    expect(text("[data-settlement-total]")).toBe("9.284,50 kr.");
    expect(document.querySelector("[data-action=approve-settlement]")).not.toBeNull();
  });

  it("lists the courses without a price by name, and offers nothing to save or approve", async () => {
    settlement.mockResolvedValue({
      ...view, lines: [], total: "", provider: "",
      problems: [{ course_id: "c1", client: "Stevns Dag", problem: "ingen aftalepris for Alkoholbehandling, dag" }],
    });
    panel = mount(SettlementPanel, { target: document.body });
    await show();
    const cells = [...document.querySelectorAll("[data-settlement-problem='Stevns Dag'] td")].map((td) => td.textContent);
    expect(cells).toEqual(["Stevns Dag", "ingen aftalepris for Alkoholbehandling, dag"]);
    expect(text("[data-settlement-incomplete]")).toContain("1 forløb har ingen aftalepris");
    expect(document.querySelector("[data-settlement-total]")).toBeNull();
    expect(document.querySelector("[data-action=approve-settlement]")).toBeNull();
    expect(document.querySelector("[data-form=settlement-csv]")).toBeNull();
  });

  it("shows the approval, and a second approval's refusal beside the month with the lines still there", async () => {
    settlement.mockResolvedValue(view);
    approveSettlement.mockResolvedValueOnce({
      ...view, approval: { made_on: "2026-11-23", made_by: "Birgitte Holmsgaard", lines: 2, total: "9.284,50 kr." },
    });
    panel = mount(SettlementPanel, { target: document.body });
    await show();
    (document.querySelector("[data-action=approve-settlement]") as HTMLButtonElement).click();
    await settle();
    // Nothing is approved before the confirmation, which names what is approved and has the focus on "Fortryd".
    expect(approveSettlement).not.toHaveBeenCalled();
    expect(text("[data-confirm=approve]")).toContain("Stevns Kommune (0336) for oktober 2026: 2 linjer, i alt 9.284,50 kr.");
    expect(document.activeElement?.getAttribute("data-action")).toBe("cancel-approve");
    (document.querySelector("[data-action=cancel-approve]") as HTMLButtonElement).click();
    await settle();
    expect(document.querySelector("[data-confirm=approve]")).toBeNull();
    expect(approveSettlement).not.toHaveBeenCalled();
    (document.querySelector("[data-action=approve-settlement]") as HTMLButtonElement).click();
    await settle();
    (document.querySelector("[data-action=confirm-approve]") as HTMLButtonElement).click();
    await settle();
    expect(approveSettlement).toHaveBeenCalledWith({ payer: "0336", month: "2026-10" });
    expect(text("[data-settlement-approval]")).toBe("Godkendt 23-11-2026 af Birgitte Holmsgaard – 2 linjer, i alt 9.284,50 kr.");
    approveSettlement.mockRejectedValueOnce(new CommandError({
      code: "settlement_already_approved", field: "month",
      message: "Afregningen til Stevns Kommune (0336) for 2026-10 er allerede godkendt og gemt. Den kan ikke godkendes igen.",
    }));
    (document.querySelector("[data-action=approve-settlement]") as HTMLButtonElement).click();
    await settle();
    (document.querySelector("[data-action=confirm-approve]") as HTMLButtonElement).click();
    await settle();
    expect(text("[data-error-for=month]")).toContain("allerede godkendt");
    expect(text("[data-settlement-total]")).toBe("9.284,50 kr.");
  });
});
