import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import FieldHarness from "./FieldHarness.test.svelte";
import { FormState } from "../lib/form.svelte";
import { CommandError } from "../ipc";

let app: Record<string, unknown> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = "";
});

describe("a form field", () => {
  it("shows a refused command's Danish message beside its field and keeps what was typed", async () => {
    const form = new FormState(["cpr"]);
    app = mount(FieldHarness, { target: document.body, props: { form } });
    const input = document.querySelector<HTMLInputElement>("input[name=cpr]")!;
    input.value = "320188-1234";
    input.dispatchEvent(new Event("input"));
    const ok = await form.submit(async () => {
      throw new CommandError({ code: "cpr_date", message: "CPR-nummeret indeholder ikke en gyldig fødselsdato.", field: "cpr" });
    });
    flushSync();
    expect(ok).toBe(false);
    expect(document.querySelector("[data-error-for=cpr]")?.textContent).toBe("CPR-nummeret indeholder ikke en gyldig fødselsdato.");
    expect(document.querySelector(".field")?.classList.contains("invalid")).toBe(true);
    expect(input.value).toBe("320188-1234");
    expect(document.querySelector("[data-error-for=_form]")).toBeNull();
  });

  it("puts an error for a field the form does not show in the general message, and clears errors on success", async () => {
    const form = new FormState(["cpr"]);
    app = mount(FieldHarness, { target: document.body, props: { form } });
    await form.submit(async () => {
      throw new CommandError({ code: "joint_session_staff", message: "En fællessamtale skal have både en alkoholbehandler og en familiekonsulent med.", field: "participants" });
    });
    flushSync();
    expect(document.querySelector("[data-error-for=_form]")?.textContent).toContain("fællessamtale");
    expect(await form.submit(async () => 1)).toBe(true);
    flushSync();
    expect(document.querySelector("[role=alert]")).toBeNull();
  });
});
