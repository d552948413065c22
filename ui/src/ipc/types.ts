// Re-exports of the generated types the screens use, so screens import from
// "../ipc" only.
export type { AppInfo } from "./generated/AppInfo";
export type { JournalInfo } from "./generated/JournalInfo";
export type { CreatedJournal } from "./generated/CreatedJournal";
export type { ReferenceData } from "./generated/ReferenceData";
export type { StaffView as Staff } from "./generated/StaffView";
export type { ClientSummary } from "./generated/ClientSummary";
export type { FullRecord } from "./generated/FullRecord";
export type { ChildView } from "./generated/ChildView";
export type { CourseView } from "./generated/CourseView";
export type { ReferralView } from "./generated/ReferralView";
export type { PlanRevisionView } from "./generated/PlanRevisionView";
export type { SessionView } from "./generated/SessionView";
export type { NoteView } from "./generated/NoteView";
export type { WaitingReferral } from "./generated/WaitingReferral";
export type { CaseReviewList } from "./generated/CaseReviewList";
export type { CaseReviewClient } from "./generated/CaseReviewClient";
export type { CaseReviewChild } from "./generated/CaseReviewChild";
export type { Code } from "./generated/Code";
export type { Coded } from "./generated/Coded";
export type { ClientId } from "./generated/ClientId";
export type { ChildId } from "./generated/ChildId";
export type { CourseId } from "./generated/CourseId";
export type { ReferralId } from "./generated/ReferralId";
export type { StaffId } from "./generated/StaffId";
export type { NoteId } from "./generated/NoteId";
export type { IpcError } from "./generated/IpcError";
