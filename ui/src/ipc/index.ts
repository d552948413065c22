// The only module that talks to the Tauri shell. Every command has one typed
// wrapper here; its input and output types are generated from the Rust types
// (./generated, by ts-rs). Errors arrive as {code, message, field} and are
// thrown as CommandError so a form can put the message beside its field.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { AppInfo } from "./generated/AppInfo";
import type { Folders } from "./generated/Folders";
import type { RecoveryKeyFile } from "./generated/RecoveryKeyFile";
import type { JournalInfo } from "./generated/JournalInfo";
import type { OpenForm } from "./generated/OpenForm";
import type { CreateForm } from "./generated/CreateForm";
import type { CreatedJournal } from "./generated/CreatedJournal";
import type { LoginForm } from "./generated/LoginForm";
import type { StaffAccount } from "./generated/StaffAccount";
import type { UserForm } from "./generated/UserForm";
import type { PasswordForm } from "./generated/PasswordForm";
import type { OwnPasswordForm } from "./generated/OwnPasswordForm";
import type { IdleForm } from "./generated/IdleForm";
import type { IdleSetting } from "./generated/IdleSetting";
import type { AuditForm } from "./generated/AuditForm";
import type { AuditPage } from "./generated/AuditPage";
import type { AccessEntry } from "./generated/AccessEntry";
import type { StaffId } from "./generated/StaffId";
import type { ReferenceData } from "./generated/ReferenceData";
import type { ClientQuery } from "./generated/ClientQuery";
import type { ClientSummary } from "./generated/ClientSummary";
import type { FullRecord } from "./generated/FullRecord";
import type { Sharing } from "./generated/Sharing";
import type { WaitingReferral } from "./generated/WaitingReferral";
import type { ClientForm } from "./generated/ClientForm";
import type { ClientEditForm } from "./generated/ClientEditForm";
import type { ChildForm } from "./generated/ChildForm";
import type { EmergencyPlanForm } from "./generated/EmergencyPlanForm";
import type { NotificationForm } from "./generated/NotificationForm";
import type { NotificationAnswerForm } from "./generated/NotificationAnswerForm";
import type { ReferralForm } from "./generated/ReferralForm";
import type { IntakeForm } from "./generated/IntakeForm";
import type { Intake } from "./generated/Intake";
import type { InfoTalkForm } from "./generated/InfoTalkForm";
import type { EnrolForm } from "./generated/EnrolForm";
import type { StartForm } from "./generated/StartForm";
import type { CloseForm } from "./generated/CloseForm";
import type { PlanForm } from "./generated/PlanForm";
import type { SessionForm } from "./generated/SessionForm";
import type { AttendanceForm } from "./generated/AttendanceForm";
import type { NoteForm } from "./generated/NoteForm";
import type { CorrectionForm } from "./generated/CorrectionForm";
import type { ReviewForm } from "./generated/ReviewForm";
import type { CaseReviewList } from "./generated/CaseReviewList";
import type { AnnualReport } from "./generated/AnnualReport";
import type { WaitingReport } from "./generated/WaitingReport";
import type { PdfForm } from "./generated/PdfForm";
import type { AnnualForm } from "./generated/AnnualForm";
import type { AuditStatus } from "./generated/AuditStatus";
import type { SettlementForm } from "./generated/SettlementForm";
import type { SettlementView } from "./generated/SettlementView";
import type { SettlementFileForm } from "./generated/SettlementFileForm";
import type { NabForm } from "./generated/NabForm";
import type { NabOutcome } from "./generated/NabOutcome";
import type { ReviewPdfForm } from "./generated/ReviewPdfForm";
import type { IpcError } from "./generated/IpcError";
import type { ClientId } from "./generated/ClientId";
import type { ChildId } from "./generated/ChildId";
import type { ReferralId } from "./generated/ReferralId";
import type { CourseId } from "./generated/CourseId";
import type { PlanRevisionId } from "./generated/PlanRevisionId";
import type { SessionId } from "./generated/SessionId";
import type { NoteId } from "./generated/NoteId";
import type { CaseReviewId } from "./generated/CaseReviewId";
import type { EmergencyPlanId } from "./generated/EmergencyPlanId";
import type { NotificationId } from "./generated/NotificationId";
import type { AssessmentForm } from "./generated/AssessmentForm";
import type { MedicationStartForm } from "./generated/MedicationStartForm";
import type { MedicationStopForm } from "./generated/MedicationStopForm";
import type { EvaluationForm } from "./generated/EvaluationForm";
import type { FollowUpForm } from "./generated/FollowUpForm";
import type { ConsentForm } from "./generated/ConsentForm";
import type { WithdrawConsentForm } from "./generated/WithdrawConsentForm";
import type { AssessmentId } from "./generated/AssessmentId";
import type { MedicationId } from "./generated/MedicationId";
import type { EvaluationId } from "./generated/EvaluationId";
import type { ConsentId } from "./generated/ConsentId";
import type { NetworkPersonForm } from "./generated/NetworkPersonForm";
import type { NetworkPersonId } from "./generated/NetworkPersonId";
import type { GroupForm } from "./generated/GroupForm";
import type { GroupMemberForm } from "./generated/GroupMemberForm";
import type { GroupMeetingForm } from "./generated/GroupMeetingForm";
import type { LeaveGroupForm } from "./generated/LeaveGroupForm";
import type { GroupSummary } from "./generated/GroupSummary";
import type { GroupView } from "./generated/GroupView";
import type { GroupId } from "./generated/GroupId";
import type { GroupMemberId } from "./generated/GroupMemberId";
import type { BackupForm } from "./generated/BackupForm";
import type { BackupInfo } from "./generated/BackupInfo";
import type { CheckForm } from "./generated/CheckForm";
import type { CheckReport } from "./generated/CheckReport";
import type { RestoreForm } from "./generated/RestoreForm";
import type { RecoverForm } from "./generated/RecoverForm";
import type { InsightView } from "./generated/InsightView";
import type { InsightPdfForm } from "./generated/InsightPdfForm";
import type { RetentionForm } from "./generated/RetentionForm";
import type { RetentionView } from "./generated/RetentionView";
import type { DeleteExpiredForm } from "./generated/DeleteExpiredForm";
import type { Code } from "./generated/Code";
import type { BusyNotice } from "./generated/BusyNotice";
import type { PathForm } from "./generated/PathForm";
import type { CardSaved } from "./generated/CardSaved";
import type { CardPreview } from "./generated/CardPreview";
import type { AddPartnerForm } from "./generated/AddPartnerForm";
import type { PartnerRegistered } from "./generated/PartnerRegistered";
import type { PartnerStatus } from "./generated/PartnerStatus";
import type { ExportForm } from "./generated/ExportForm";
import type { BundleWritten } from "./generated/BundleWritten";
import type { ImportForm } from "./generated/ImportForm";
import type { BundleImport } from "./generated/BundleImport";
import type { ConflictView } from "./generated/ConflictView";
import type { BundleProgress } from "./generated/BundleProgress";
import type { ResolveForm } from "./generated/ResolveForm";
import type { NewValueInput } from "./generated/NewValueInput";
import type { FolderBundle } from "./generated/FolderBundle";

export type * from "./types";
export type { Folders };
export type { StaffAccount, UserForm, IdleSetting, AuditForm, AuditPage, AccessEntry };
export type { AuditEntry } from "./generated/AuditEntry";

import { CommandError } from "./error";
export { CommandError };

function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

let lockedHandler: (() => void) | null = null;

// While a command waits for a journal another user or an import holds, the
// shell says so (the core's Danish notice); it goes when every command
// asked meanwhile is answered.
let pending = 0;
let busyHandler: ((message: string | null) => void) | null = null;

/** Called with the notice while commands wait for a busy journal, and with `null` when they are answered. */
export function onBusy(handler: (message: string | null) => void) {
  busyHandler = handler;
  void listen<BusyNotice>("journal-busy", (e) => {
    if (pending > 0) busyHandler?.(e.payload.message);
  }).catch(() => undefined);
}

/** Each stage of a bundle's export or import as it begins; returns the way to stop listening. */
export async function onBundleProgress(handler: (p: BundleProgress) => void): Promise<() => void> {
  try {
    return await listen<BundleProgress>("bundle-progress", (e) => handler(e.payload));
  } catch {
    return () => undefined;
  }
}

/** Called when a command is refused because the journal is locked. */
export function onLocked(handler: () => void) {
  lockedHandler = handler;
}

async function call<T>(cmd: string, input?: unknown): Promise<T> {
  pending += 1;
  try {
    return await invoke<T>(cmd, input === undefined ? {} : { input });
  } catch (e) {
    if (isIpcError(e)) {
      if (e.code === "locked") lockedHandler?.();
      throw new CommandError(e);
    }
    throw new CommandError({ code: "ipc", message: `Programfejl: ${String(e)}`, field: null });
  } finally {
    pending -= 1;
    if (pending === 0) busyHandler?.(null);
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  // The platform's folders, and the files the app saved (files.rs).
  openSaved: (path: string) => call<null>("open_saved", { path }),
  showSaved: (path: string) => call<null>("show_saved", { path }),
  saveRecoveryKey: (f: RecoveryKeyFile) => call<string>("save_recovery_key", f),
  openJournal: (f: OpenForm) => call<AppInfo>("open_journal", f),
  createJournal: (f: CreateForm) => call<CreatedJournal>("create_journal", f),
  openDemo: () => call<AppInfo>("open_demo"),
  closeJournal: () => call<AppInfo>("close_journal"),
  login: (f: LoginForm) => call<JournalInfo>("login", f),
  lock: () => call<AppInfo>("lock"),
  // Brugere and Revisionslog (commands/admin.rs).
  staffAccounts: () => call<StaffAccount[]>("staff_accounts"),
  addUser: (f: UserForm) => call<StaffId>("add_user", f),
  setPassword: (f: PasswordForm) => call<null>("set_password", f),
  changeOwnPassword: (f: OwnPasswordForm) => call<null>("change_own_password", f),
  removeLogin: (id: StaffId) => call<null>("remove_login", id),
  idleMinutes: () => call<IdleSetting>("idle_minutes"),
  setIdleMinutes: (f: IdleForm) => call<IdleSetting>("set_idle_minutes", f),
  auditPage: (f: AuditForm) => call<AuditPage>("audit_page", f),
  accessLog: (id: ClientId) => call<AccessEntry[]>("access_log", id),
  referenceData: () => call<ReferenceData>("reference_data"),
  searchClients: (q: ClientQuery) => call<ClientSummary[]>("search_clients", q),
  clientRecord: (id: ClientId) => call<FullRecord>("client_record", id),
  clientSharing: (ids: ClientId[]) => call<Sharing[]>("client_sharing", ids),
  waitingReferrals: () => call<WaitingReferral[]>("waiting_referrals"),
  addClient: (f: ClientForm) => call<ClientId>("add_client", f),
  updateClient: (f: ClientEditForm) => call<null>("update_client", f),
  addChild: (f: ChildForm) => call<ChildId>("add_child", f),
  addEmergencyPlan: (f: EmergencyPlanForm) => call<EmergencyPlanId>("add_emergency_plan", f),
  addNetworkPerson: (f: NetworkPersonForm) => call<NetworkPersonId>("add_network_person", f),
  addNotification: (f: NotificationForm) => call<NotificationId>("add_notification", f),
  answerNotification: (f: NotificationAnswerForm) => call<null>("answer_notification", f),
  addReferral: (f: ReferralForm) => call<ReferralId>("add_referral", f),
  intake: (f: IntakeForm) => call<Intake>("intake", f),
  recordInfoTalk: (f: InfoTalkForm) => call<null>("record_info_talk", f),
  enrol: (f: EnrolForm) => call<CourseId>("enrol", f),
  startCourse: (f: StartForm) => call<null>("start_course", f),
  closeCourse: (f: CloseForm) => call<null>("close_course", f),
  revisePlan: (f: PlanForm) => call<PlanRevisionId>("revise_plan", f),
  // Udredning, medicin, evaluering, efterbehandling (commands/care.rs) and samtykke (commands/consent.rs).
  addAssessment: (f: AssessmentForm) => call<AssessmentId>("add_assessment", f),
  startMedication: (f: MedicationStartForm) => call<MedicationId>("start_medication", f),
  stopMedication: (f: MedicationStopForm) => call<null>("stop_medication", f),
  addEvaluation: (f: EvaluationForm) => call<EvaluationId>("add_evaluation", f),
  followUp: (f: FollowUpForm) => call<null>("follow_up", f),
  giveConsent: (f: ConsentForm) => call<ConsentId>("give_consent", f),
  withdrawConsent: (f: WithdrawConsentForm) => call<null>("withdraw_consent", f),
  // Grupper (commands/groups.rs).
  listGroups: () => call<GroupSummary[]>("list_groups"),
  groupDetail: (id: GroupId) => call<GroupView>("group_detail", id),
  addGroup: (f: GroupForm) => call<GroupId>("add_group", f),
  addGroupMember: (f: GroupMemberForm) => call<GroupMemberId>("add_group_member", f),
  recordGroupMeeting: (f: GroupMeetingForm) => call<null>("record_group_meeting", f),
  leaveGroup: (f: LeaveGroupForm) => call<null>("leave_group", f),
  addSession: (f: SessionForm) => call<SessionId>("add_session", f),
  recordAttendance: (f: AttendanceForm) => call<null>("record_attendance", f),
  addNote: (f: NoteForm) => call<NoteId>("add_note", f),
  correctNote: (f: CorrectionForm) => call<NoteId>("correct_note", f),
  caseReviewList: () => call<CaseReviewList>("case_review_list"),
  recordCaseReview: (f: ReviewForm) => call<CaseReviewId>("record_case_review", f),
  annualReport: (f: AnnualForm) => call<AnnualReport>("annual_report", f),
  waitingReport: (year: number) => call<WaitingReport>("waiting_report", year),
  saveAnnualPdf: (f: PdfForm) => call<string>("save_annual_pdf", f),
  auditCheck: () => call<AuditStatus>("audit_check"),
  settlement: (f: SettlementForm) => call<SettlementView>("settlement", f),
  approveSettlement: (f: SettlementForm) => call<SettlementView>("approve_settlement", f),
  saveSettlement: (f: SettlementFileForm) => call<string>("save_settlement", f),
  saveNabExtract: (f: NabForm) => call<NabOutcome>("save_nab_extract", f),
  saveCaseReviewPdf: (f: ReviewPdfForm) => call<string>("save_case_review_pdf", f),
  // Sikkerhed: backup, check, restore, recovery, insight, retention (commands/safety.rs).
  backupJournal: (f: BackupForm) => call<BackupInfo>("backup_journal", f),
  checkJournal: (f: CheckForm) => call<CheckReport>("check_journal", f),
  restoreBackup: (f: RestoreForm) => call<AppInfo>("restore_backup", f),
  recoverJournal: (f: RecoverForm) => call<JournalInfo>("recover_journal", f),
  insightReport: (id: ClientId) => call<InsightView>("insight_report", id),
  saveInsightPdf: (f: InsightPdfForm) => call<string>("save_insight_pdf", f),
  expiredClients: (f: RetentionForm) => call<RetentionView>("expired_clients", f),
  deleteExpired: (f: DeleteExpiredForm) => call<number>("delete_expired", f),
  municipalityList: () => call<Code[]>("municipality_list"),
  // Overlevering: site cards, partners, bundles (commands/handoff.rs).
  saveSiteCard: (f: PathForm) => call<CardSaved>("save_site_card", f),
  readSiteCard: (f: PathForm) => call<CardPreview>("read_site_card", f),
  addPartner: (f: AddPartnerForm) => call<PartnerRegistered>("add_partner", f),
  bundleStatus: () => call<PartnerStatus[]>("bundle_status"),
  exportBundle: (f: ExportForm) => call<BundleWritten>("export_bundle", f),
  importBundle: (f: ImportForm) => call<BundleImport>("import_bundle", f),
  importBundleDir: (f: ImportForm) => call<FolderBundle[]>("import_bundle_dir", f),
  conflictReview: () => call<ConflictView[]>("conflict_review"),
  openConflictCount: () => call<number>("open_conflict_count"),
  resolveConflict: (f: ResolveForm) => call<ConflictView[]>("resolve_conflict", f),
  writeConflictValue: (f: NewValueInput) => call<ConflictView[]>("write_conflict_value", f),
  // Benchmark mode only (scripts/bench-desktop); refused otherwise.
  benchLogin: () => call<JournalInfo>("bench_login"),
  benchReady: () => call<null>("bench_ready"),
};

export type Api = typeof api;
