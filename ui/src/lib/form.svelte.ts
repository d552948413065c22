// A form's submit state: the field errors from a refused command, a general
// error, and "busy". Values live in the form's own $state and are never
// cleared on an error, so nothing typed is lost. After a refusal the focus
// goes to the refused field (or to the general message), in the form that
// was submitted, so a keyboard or screen-reader user lands on what to fix.
import { tick } from "svelte";
import { CommandError } from "../ipc";

export class FormState {
  /** The fields the form shows; an error for any other goes to `general`. */
  fields: string[];
  errors = $state<Record<string, string>>({});
  general = $state("");
  busy = $state(false);

  constructor(fields: string[]) {
    this.fields = fields;
  }

  /** Run `action`; true when it succeeded, else its message is put beside its field. */
  async submit(action: () => Promise<unknown>): Promise<boolean> {
    // Where the person is: the form (or panel) the submit came from.
    const from = typeof document === "undefined" ? null : document.activeElement;
    const scope = from?.closest("form, [data-form], [data-confirm], section, main") ?? null;
    this.busy = true;
    this.errors = {};
    this.general = "";
    try {
      await action();
      return true;
    } catch (e) {
      const err = e instanceof CommandError ? e : new CommandError({ code: "ui", message: String(e), field: null });
      if (err.field && this.fields.includes(err.field)) this.errors = { [err.field]: err.message };
      else this.general = err.message;
      this.busy = false;
      await focusRefused(scope, err.field && this.fields.includes(err.field) ? err.field : null);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** Focus the refused field's input in `scope`, or the general message there. */
async function focusRefused(scope: Element | null, field: string | null) {
  await tick();
  const root: ParentNode = scope && scope.isConnected ? scope : document;
  const target = field
    ? root.querySelector<HTMLElement>(`[data-error-for="${field}"]`)?.closest(".field")?.querySelector<HTMLElement>("input, select, textarea")
      ?? root.querySelector<HTMLElement>("[aria-invalid=true]")
    : root.querySelector<HTMLElement>("[data-error-for=_form]");
  if (!target) return;
  if (!field && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
}
