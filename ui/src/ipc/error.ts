// The error a refused command throws. Its own module (no Tauri import), so
// component tests that replace ./index can use the real class.
import type { IpcError } from "./generated/IpcError";
import type { FieldRefusal } from "./generated/FieldRefusal";

export type { FieldRefusal };

/** A refused command: a stable code, a Danish message and the field it belongs beside;
 * `refused` holds every refused field when a form broke several rules at once. */
export class CommandError extends Error {
  code: string;
  field: string | null;
  refused: FieldRefusal[];
  constructor(e: IpcError) {
    super(e.message);
    this.code = e.code;
    this.field = e.field;
    this.refused = e.refused ?? [{ code: e.code, message: e.message, field: e.field }];
  }
}
