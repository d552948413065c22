import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

const intake = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return { api: { intake: (f: unknown) => intake(f) }, CommandError };
});
const go = vi.fn();
const app = {
  ref: { municipalities: [{ code: "0320", label: "Faxe" }] },
  codes: () => [{ code: "self", label: "Egen henvendelse" }],
  go: (v: unknown) => go(v),
};
vi.mock("../lib/app.svelte", () => ({ app }));

const { default: Intake } = await import("./Intake.svelte");
const { CommandError } = await import("../ipc");

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  intake.mockReset();
  go.mockReset();
});
async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

describe("the intake form", () => {
  it("shows every refused field at once, each tied to its input, and puts the focus on the first", async () => {
    // The core's answer when a form broke several rules (IpcError.refused).
    intake.mockRejectedValue(
      new CommandError({
        code: "date_format",
        message: "«32-13-2026» er ikke en gyldig dato. Skriv datoen som dd-mm-åååå. Navn skal udfyldes.",
        field: "received_on",
        refused: [
          { code: "date_format", message: "«32-13-2026» er ikke en gyldig dato. Skriv datoen som dd-mm-åååå.", field: "received_on" },
          { code: "required", message: "Navn skal udfyldes.", field: "name" },
          { code: "cpr_registered", message: "Der findes allerede en klient med dette CPR-nummer.", field: "cpr" },
          { code: "missing", message: "Enheden findes ikke i journalen.", field: "unit_id" },
        ],
      }),
    );
    screen = mount(Intake, { target: document.body });
    flushSync();
    document.querySelector("form[data-form=intake]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    const shown = (f: string) => document.querySelector(`[data-form=intake] [data-error-for=${f}]`)?.textContent;
    expect(shown("name")).toBe("Navn skal udfyldes.");
    expect(shown("cpr")).toBe("Der findes allerede en klient med dette CPR-nummer.");
    expect(shown("received_on")).toBe("«32-13-2026» er ikke en gyldig dato. Skriv datoen som dd-mm-åååå.");
    // What belongs to no field of the form is the general message.
    expect(shown("_form")).toBe("Enheden findes ikke i journalen.");
    for (const f of ["name", "cpr", "received_on"]) {
      const input = document.querySelector<HTMLInputElement>(`[data-form=intake] input[name=${f}]`)!;
      expect(input.getAttribute("aria-invalid")).toBe("true");
      const described = input.getAttribute("aria-describedby")!;
      expect(document.getElementById(described)?.textContent).toBe(shown(f));
    }
    // The first refused field in the form's order (Navn), not the first the core named.
    expect(document.activeElement).toBe(document.querySelector("[data-form=intake] input[name=name]"));
    expect(go).not.toHaveBeenCalled();
  });

  it("shows a single refusal as before, and clears the errors when the form is saved", async () => {
    intake.mockRejectedValueOnce(new CommandError({ code: "required", message: "Henvendelsesdato skal udfyldes.", field: "received_on" }));
    screen = mount(Intake, { target: document.body });
    flushSync();
    const submit = () => document.querySelector("form[data-form=intake]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    submit();
    await settle();
    expect(document.querySelectorAll("[data-form=intake] [data-error-for]").length).toBe(1);
    expect(document.activeElement).toBe(document.querySelector("[data-form=intake] input[name=received_on]"));
    intake.mockResolvedValueOnce({ client_id: "c1", referral_id: "r1" });
    submit();
    await settle();
    expect(document.querySelectorAll("[data-form=intake] [data-error-for]").length).toBe(0);
    expect(go).toHaveBeenCalledWith({ name: "client", id: "c1", tab: "courses" });
  });
});
