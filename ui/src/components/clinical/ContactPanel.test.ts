import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import type { FullRecord } from "../../ipc";

// The shell is not there in a component test: the one IPC module is replaced.
const updateClient = vi.fn();
vi.mock("../../ipc", async () => {
  const { CommandError } = await import("../../ipc/error");
  return { api: { updateClient: (f: unknown) => updateClient(f) }, CommandError };
});
const app = {
  today: "2026-11-23",
  journal: { user: { role: { code: "leader" } } },
  ref: { municipalities: [{ code: "0320", label: "Faxe" }, { code: "0336", label: "Stevns" }] },
};
vi.mock("../../lib/app.svelte", () => ({ app }));

const { default: ContactPanel } = await import("./ContactPanel.svelte");
const { CommandError } = await import("../../ipc");

const MICHAEL = "00000000-0000-4000-8000-000300000018";
const stamp = { created_at: "2026-01-05T09:00:00Z", created_by: "Bente Holm", changed_at: "", changed_by: "", origin_site: "", version: 0 };
const record = (client: Partial<FullRecord["client"]> = {}) =>
  ({
    client: {
      id: MICHAEL, name: "Michael Skovbo Rask", cpr: "160384-2015", anonymous: false, birth_date: "1984-03-16", age: 42,
      sex: { code: "M", label: "Mand" }, municipality: { code: "0336", label: "Stevns" },
      address: "Strandvejen 46, 4671 Strøby", phone: "12 34 50 15", email: null, stamp, ...client,
    },
  }) as unknown as FullRecord;

let panel: Record<string, unknown> | null = null;
afterEach(() => {
  if (panel) unmount(panel);
  panel = null;
  document.body.innerHTML = "";
  updateClient.mockReset();
  app.journal.user.role.code = "leader";
});

async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const $ = <T extends Element>(css: string) => document.querySelector(css) as T;
const value = (name: string) => $<HTMLInputElement>(`form[data-form=edit-client] [name=${name}]`).value;
function type(name: string, text: string) {
  const el = $<HTMLInputElement>(`form[data-form=edit-client] [name=${name}]`);
  el.value = text;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  flushSync();
}
async function open() {
  $<HTMLButtonElement>("[data-action=edit-client]").click();
  await settle();
}
async function submit() {
  $("form[data-form=edit-client]").dispatchEvent(new Event("submit", { cancelable: true }));
  await settle();
}

describe("the contact panel's Ret stamdata", () => {
  it("opens the form filled in from the record, the focus on the name", async () => {
    panel = mount(ContactPanel, { target: document.body, props: { record: record(), reload: vi.fn() } });
    flushSync();
    expect($("[data-action=edit-client]").textContent).toBe("Ret stamdata");
    expect($("form[data-form=edit-client]")).toBeNull();
    await open();
    expect(value("name")).toBe("Michael Skovbo Rask");
    expect(value("cpr")).toBe("160384-2015");
    expect(value("municipality")).toBe("0336");
    expect(value("address")).toBe("Strandvejen 46, 4671 Strøby");
    expect(value("phone")).toBe("12 34 50 15");
    expect(value("email")).toBe("");
    // A CPR number gives the birth date: no field for it.
    expect($("form[data-form=edit-client] [name=birth_date]")).toBeNull();
    expect(document.activeElement).toBe($("form[data-form=edit-client] input[name=name]"));
    expect($("[data-action=edit-client]")).toBeNull();
  });

  it("Escape cancels: nothing saved, the record as it was, the focus back on the button; opened again it starts from the record", async () => {
    panel = mount(ContactPanel, { target: document.body, props: { record: record(), reload: vi.fn() } });
    flushSync();
    await open();
    type("phone", "99 99 99 99");
    $("form[data-form=edit-client] input[name=phone]").dispatchEvent(
      new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }),
    );
    await settle();
    expect($("form[data-form=edit-client]")).toBeNull();
    expect(updateClient).not.toHaveBeenCalled();
    expect($("[data-field=phone]").textContent).toBe("12 34 50 15");
    expect(document.activeElement).toBe($("[data-action=edit-client]"));
    await open();
    expect(value("phone")).toBe("12 34 50 15");
  });

  it("saves the changed values through the core with the client's id, then reloads the record", async () => {
    const reload = vi.fn().mockResolvedValue(undefined);
    updateClient.mockResolvedValue(null);
    panel = mount(ContactPanel, { target: document.body, props: { record: record(), reload } });
    flushSync();
    await open();
    type("phone", "20 30 40 50");
    type("address", "Algade 3, 4673 Rødvig Stevns");
    type("email", "m.skovbo@example.dk");
    await submit();
    expect(updateClient).toHaveBeenCalledWith({
      client_id: MICHAEL,
      client: {
        name: "Michael Skovbo Rask", cpr: "160384-2015", anonymous: false, birth_date: "", municipality: "0336",
        address: "Algade 3, 4673 Rødvig Stevns", phone: "20 30 40 50", email: "m.skovbo@example.dk",
      },
      sex: "M",
    });
    expect(reload).toHaveBeenCalledOnce();
    expect($("form[data-form=edit-client]")).toBeNull();
    expect($("[data-client-saved]").textContent).toBe("Stamdata er gemt.");
    expect(document.activeElement).toBe($("[data-action=edit-client]"));
  });

  it("sends the typed birth date of a client without CPR number, and keeps the sex the record has", async () => {
    updateClient.mockResolvedValue(null);
    const anonymous = record({ name: "Jørgen (anonym)", cpr: null, anonymous: true, birth_date: "1961-05-02" });
    panel = mount(ContactPanel, { target: document.body, props: { record: anonymous, reload: vi.fn() } });
    flushSync();
    await open();
    expect(value("birth_date")).toBe("02-05-1961");
    expect($<HTMLInputElement>("form[data-form=edit-client] [name=cpr]").disabled).toBe(true);
    await submit();
    expect(updateClient.mock.calls[0][0]).toMatchObject({ client: { cpr: "", anonymous: true, birth_date: "02-05-1961" }, sex: "M" });
  });

  it("shows the core's refusal beside its field, keeps what was typed and the form open, and reloads nothing", async () => {
    const reload = vi.fn();
    updateClient.mockRejectedValue(
      new CommandError({ code: "cpr_format", message: "CPR-nummer skal skrives som ddmmåå-xxxx.", field: "cpr" }),
    );
    panel = mount(ContactPanel, { target: document.body, props: { record: record(), reload } });
    flushSync();
    await open();
    type("cpr", "1603842015x");
    await submit();
    const shown = $("form[data-form=edit-client] [data-error-for=cpr]");
    expect(shown.textContent).toBe("CPR-nummer skal skrives som ddmmåå-xxxx.");
    const input = $<HTMLInputElement>("form[data-form=edit-client] input[name=cpr]");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(input.getAttribute("aria-describedby")!)).toBe(shown);
    expect(input.value).toBe("1603842015x");
    expect(document.activeElement).toBe(input);
    expect(reload).not.toHaveBeenCalled();
  });

  it("is not offered to a role that may not register clients", () => {
    app.journal.user.role.code = "administrator";
    panel = mount(ContactPanel, { target: document.body, props: { record: record(), reload: vi.fn() } });
    flushSync();
    expect($("[data-action=edit-client]")).toBeNull();
    expect($("[data-field=phone]").textContent).toBe("12 34 50 15");
  });
});
