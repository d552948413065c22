// A form's submit state: the field errors from a refused command, a general
// error, and "busy". Values live in the form's own $state and are never
// cleared on an error, so nothing typed is lost.
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
      return false;
    } finally {
      this.busy = false;
    }
  }
}
