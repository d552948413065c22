import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";

const recoverJournal = vi.fn();
const opened = vi.fn();
vi.mock("../ipc", async () => {
  const { CommandError } = await import("../ipc/error");
  return { api: { recoverJournal: (f: unknown) => recoverJournal(f), login: vi.fn(), closeJournal: vi.fn() }, CommandError };
});
const app = { demo: false, notice: "Sikkerhedskopien er kontrolleret og genskabt som en ny journal. Log ind i den.", aboutOpen: false, opened: (i: unknown) => opened(i), show: vi.fn() };
vi.mock("../lib/app.svelte", () => ({ app }));

const { default: Login } = await import("./Login.svelte");
const { CommandError } = await import("../ipc");

let screen: Record<string, unknown> | null = null;
afterEach(() => {
  if (screen) unmount(screen);
  screen = null;
  document.body.innerHTML = "";
  recoverJournal.mockReset();
  opened.mockReset();
});
async function settle() {
  for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  flushSync();
}
const type = (css: string, value: string) => {
  const i = document.querySelector<HTMLInputElement>(css)!;
  i.value = value;
  i.dispatchEvent(new Event("input"));
};
function fillRecovery() {
  type("[data-form=recover] input[name=recovery_key]", "ABCD-EFGH");
  type("[data-form=recover] input[name=name]", "Ny Administrator");
  type("[data-form=recover] input[name=initials]", "NA");
  type("[data-form=recover] input[name=password]", "ny-kode-2026");
  type("[data-form=recover] input[name=password_again]", "ny-kode-2026");
}

describe("the login screen", () => {
  it("shows the notice of a restore, and makes a new administrator with the recovery key", async () => {
    const info = { path: "/data/faxe.journal" };
    recoverJournal.mockResolvedValue(info);
    screen = mount(Login, { target: document.body, props: { path: "/data/faxe.journal" } });
    flushSync();
    expect(document.querySelector("[data-notice]")?.textContent).toContain("genskabt");
    (document.querySelector("[data-action=start-recovery]") as HTMLButtonElement).click();
    flushSync();
    fillRecovery();
    document.querySelector("form[data-form=recover]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(recoverJournal).toHaveBeenCalledWith({ recovery_key: "ABCD-EFGH", name: "Ny Administrator", initials: "NA", password: "ny-kode-2026", password_again: "ny-kode-2026" });
    expect(opened).toHaveBeenCalledWith(info);
  });

  it("puts a wrong key's refusal beside the key, with the focus there, and forgets the passwords", async () => {
    recoverJournal.mockRejectedValue(new CommandError({ code: "login_failed", message: "Gendannelsesnøglen passer ikke til denne journal.", field: "recovery_key" }));
    screen = mount(Login, { target: document.body, props: { path: "/data/faxe.journal" } });
    flushSync();
    (document.querySelector("[data-action=start-recovery]") as HTMLButtonElement).click();
    flushSync();
    fillRecovery();
    (document.querySelector("[data-action=recover]") as HTMLButtonElement).focus();
    document.querySelector("form[data-form=recover]")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    const key = document.querySelector<HTMLInputElement>("[data-form=recover] input[name=recovery_key]")!;
    expect(document.querySelector("[data-error-for=recovery_key]")?.textContent).toBe("Gendannelsesnøglen passer ikke til denne journal.");
    expect(key.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(key);
    expect(key.value).toBe("ABCD-EFGH");
    expect(document.querySelector<HTMLInputElement>("[data-form=recover] input[name=password]")!.value).toBe("");
    expect(opened).not.toHaveBeenCalled();
  });
});
