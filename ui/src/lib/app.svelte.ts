// The app's shared state: the chosen journal (locked or logged in), the
// choices the forms offer, and where the person is (a small router; no URLs
// in a desktop app).
import { api, onBusy, onLocked } from "../ipc";
import type { AppInfo, Folders, JournalInfo, ReferenceData, Code, ClientId, GroupId } from "../ipc";

export type Tab = "overview" | "children" | "courses" | "plan" | "sessions";
export type View =
  | { name: "start" }
  | { name: "clients" }
  | { name: "client"; id: ClientId; tab: Tab }
  | { name: "intake" }
  | { name: "waiting" }
  | { name: "review" }
  | { name: "reports" }
  | { name: "users" }
  | { name: "audit" }
  | { name: "groups"; id?: GroupId }
  | { name: "safety" }
  | { name: "handoff" }
  | { name: "conflicts" }
  | { name: "insight"; id: ClientId };

class AppModel {
  /** The logged-in user's journal. */
  journal = $state<JournalInfo | null>(null);
  /** The chosen journal while locked (the login screen's). */
  locked = $state<string | null>(null);
  ref = $state<ReferenceData | null>(null);
  view = $state<View>({ name: "start" });
  demoPath = $state("");
  /** The chosen journal is the fictional demo journal (the banner says so). */
  demo = $state(false);
  /** Tovholder's version, for "Om Tovholder". */
  version = $state("");
  /** The platform's folders for new and saved files. */
  folders = $state<Folders | null>(null);
  /** "Om Tovholder" is open. */
  aboutOpen = $state(false);
  /** The user guide is open. */
  guideOpen = $state(false);
  /** Minutes without use before the journal is locked. */
  idleMinutes = $state(10);
  /** While a command waits for a journal another user holds: the core's notice. */
  busy = $state<string | null>(null);
  /** A message for the next screen (e.g. the login screen after a restore). */
  notice = $state("");
  /** Open conflicts (the top bar's badge); `null` for a role that does not resolve them. */
  conflicts = $state<number | null>(null);
  /** Benchmark mode (scripts/bench-desktop): log in by itself, report when the client list is shown. */
  bench = $state(false);

  constructor() {
    onLocked(() => this.forget());
    onBusy((message) => (this.busy = message));
  }

  /** Take the shell's state (at start, after choosing a journal, after locking). */
  async show(info: AppInfo) {
    this.demoPath = info.demo_path;
    this.version = info.version;
    if (info.folders) this.folders = info.folders;
    this.demo = info.demo;
    this.idleMinutes = info.idle_minutes;
    this.bench = info.bench;
    if (info.journal) {
      await this.opened(info.journal);
    } else {
      this.locked = info.locked;
      this.forget();
    }
  }

  async opened(info: JournalInfo) {
    this.locked = null;
    this.notice = "";
    this.journal = info;
    this.demo = info.demo;
    this.idleMinutes = info.idle_minutes;
    // The client list needs no reference data: show it at once and read
    // the forms' choices alongside (one round trip less before the list).
    const ref = api.referenceData();
    this.view = { name: "clients" };
    void this.refreshConflicts();
    this.ref = await ref;
  }

  /** May this user list and resolve conflicts? Whoever does the hand-off: leader, alcohol consultant or administrator, as the core decides. */
  get resolvesConflicts(): boolean {
    return ["leader", "alcohol_consultant", "administrator"].includes(this.journal?.user.role.code ?? "");
  }

  /** Count the open conflicts again (after login, an import, a resolution). */
  async refreshConflicts() {
    if (!this.resolvesConflicts) {
      this.conflicts = null;
      return;
    }
    try {
      this.conflicts = await api.openConflictCount();
    } catch {
      // The badge is a convenience: the screen itself shows any refusal.
      this.conflicts = null;
    }
  }

  /** Lock: the shell drops the journal and its key; the UI forgets what it showed. */
  async lock() {
    const path = this.journal?.path ?? this.locked;
    this.forget();
    this.locked = path;
    await this.show(await api.lock());
  }

  /** Forget everything read from the journal (on locking). */
  forget() {
    if (this.journal) this.locked = this.journal.path;
    this.journal = null;
    this.ref = null;
    this.conflicts = null;
    this.view = { name: "start" };
  }

  /** Read the forms' choices again (after staff or units changed). */
  async refreshRef() {
    this.ref = await api.referenceData();
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
