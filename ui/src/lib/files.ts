// The system's own open and save dialogs (Tauri's dialog plugin), with the
// platform's folders as defaults, so nobody has to type a file path.
import { open, save } from "@tauri-apps/plugin-dialog";
import { app } from "./app.svelte";

export type FileKind = "journal" | "backup" | "pdf" | "csv" | "txt" | "card" | "bundle";

const filters: Record<FileKind, { name: string; extensions: string[] }> = {
  journal: { name: "Tovholder-journal", extensions: ["journal"] },
  // A backup is a journal file (with its keyring beside it), kept apart: on a USB stick, say.
  backup: { name: "Sikkerhedskopi af journalen", extensions: ["journal"] },
  pdf: { name: "PDF", extensions: ["pdf"] },
  csv: { name: "CSV (regneark)", extensions: ["csv"] },
  txt: { name: "Tekst", extensions: ["txt"] },
  // A site's public card (docs/bundles.md), sent to the partner by mail.
  card: { name: "Stedkort (Tovholder)", extensions: ["json"] },
  // A case bundle from a partner, on a USB stick.
  bundle: { name: "Overleveringsfil (Tovholder)", extensions: ["tovholder"] },
};

/** A full default path: `name` in the app's data folder (journals) or in
 * the user's Documents (saved files); just `name` before the shell has said
 * where those are. */
export function defaultPath(name: string, kind: FileKind): string {
  const f = app.folders;
  if (!f) return name;
  return `${kind === "journal" ? f.journals : f.documents}${f.separator}${name}`;
}

/** Ask where to save; `null` when the person cancels. */
export async function chooseSave(current: string, name: string, kind: FileKind): Promise<string | null> {
  return save({ defaultPath: current || defaultPath(name, kind), filters: [filters[kind]] });
}

/** Ask which file to open; `null` when the person cancels. */
export async function chooseOpen(kind: FileKind): Promise<string | null> {
  const f = app.folders;
  const chosen = await open({ defaultPath: f ? (kind === "journal" ? f.journals : f.documents) : undefined, multiple: false, directory: false, filters: [filters[kind]] });
  return typeof chosen === "string" ? chosen : null;
}

/** Ask which folder (a USB stick, say); `null` when the person cancels. */
export async function chooseFolder(): Promise<string | null> {
  const f = app.folders;
  const chosen = await open({ defaultPath: f ? f.documents : undefined, multiple: false, directory: true });
  return typeof chosen === "string" ? chosen : null;
}
