// The app's shared state: the open journal, the choices the forms offer, and
// where the person is (a small router; no URLs in a desktop app).
import { api } from "../ipc";
import type { JournalInfo, ReferenceData, Code, ClientId } from "../ipc";

export type Tab = "overview" | "children" | "courses" | "plan" | "sessions";
export type View =
  | { name: "start" }
  | { name: "clients" }
  | { name: "client"; id: ClientId; tab: Tab }
  | { name: "intake" }
  | { name: "waiting" }
  | { name: "review" };

class AppModel {
  journal = $state<JournalInfo | null>(null);
  ref = $state<ReferenceData | null>(null);
  view = $state<View>({ name: "start" });

  async opened(info: JournalInfo) {
    this.journal = info;
    this.ref = await api.referenceData();
    this.view = { name: "clients" };
  }

  codes(list: string): Code[] {
    return this.ref?.codes[list] ?? [];
  }

  label(list: string, code: string): string {
    return this.codes(list).find((c) => c.code === code)?.label ?? code;
  }

  /** Today in the journal's clock (ISO). */
  get today(): string {
    return this.journal?.today ?? new Date().toISOString().slice(0, 10);
  }

  go(v: View) {
    this.view = v;
  }
}

export const app = new AppModel();
