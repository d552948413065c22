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
      // Every refused field at once, each message beside its field; what
      // belongs to no field of this form is the general message.
      const errors: Record<string, string> = {};
      const general: string[] = [];
      for (const r of err.refused) {
        if (r.field && this.fields.includes(r.field)) errors[r.field] ??= r.message;
        else general.push(r.message);
      }
      this.errors = errors;
      this.general = general.join(" ");
      this.busy = false;
      await focusRefused(scope, Object.keys(errors));
      return false;
    } finally {
      this.busy = false;
    }
  }
}

/** Focus the first refused field's input in `scope` (in the form's order),
 * or the general message there. */
async function focusRefused(scope: Element | null, fields: string[]) {
  await tick();
  const root: ParentNode = scope && scope.isConnected ? scope : document;
  const wanted = new Set(fields);
  const first = Array.from(root.querySelectorAll<HTMLElement>("[data-error-for]")).find((el) =>
    wanted.has(el.dataset.errorFor ?? ""),
  );
  const target = fields.length
    ? first?.closest(".field")?.querySelector<HTMLElement>("input, select, textarea")
      ?? root.querySelector<HTMLElement>("[aria-invalid=true]")
    : root.querySelector<HTMLElement>("[data-error-for=_form]");
  if (!target) return;
  if (!fields.length && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
}
