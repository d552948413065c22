// The error a refused command throws. Its own module (no Tauri import), so
// component tests that replace ./index can use the real class.
import type { IpcError } from "./generated/IpcError";

/** A refused command: a stable code, a Danish message and the field it belongs beside. */
export class CommandError extends Error {
  code: string;
  field: string | null;
  constructor(e: IpcError) {
    super(e.message);
    this.code = e.code;
    this.field = e.field;
  }
}
