//! The citizen's insight report (indsigt, GDPR art. 15 / aktindsigt) as
//! text and as the lines of its PDF: the whole record, then who has looked
//! at or changed it. The CLI's `client show` and `person report` print the
//! same text, and the app shows it.
//!
//! Must not: leave out a part of the record the reader may see (the record
//! is read through the reader's scope, as every read is).

use crate::model::time::danish;
use crate::model::views::*;
use crate::model::*;
use crate::security::audit::action_label;
use crate::security::backup::PersonReport;

fn d(date: chrono::NaiveDate) -> String {
    danish(date)
}

fn od(date: Option<chrono::NaiveDate>) -> String {
    date.map(danish).unwrap_or_else(|| "-".into())
}

/// The title of the report, with the day it was made.
pub fn title(r: &PersonReport) -> String {
    format!("Indsigt: alt om én borger, udskrevet {}", d(r.made_on))
}

/// One line per access: when, who (initials, unit), what was done to what
/// (in Danish).
pub fn access_lines(r: &PersonReport) -> Vec<String> {
    r.access
        .iter()
        .map(|e| {
            format!(
                "{}  {} ({}, {})  {}{}",
                e.at,
                e.staff,
                e.initials,
                e.unit,
                action_label(&e.action),
                e.what_label.as_deref().or(e.what.as_deref()).map(|w| format!(": {w}")).unwrap_or_default()
            )
        })
        .collect()
}

/// The whole report as text: title, record, access log.
pub fn report_text(r: &PersonReport) -> String {
    let mut s = format!("{}\n\n", title(r));
    s.push_str(&record_text(&r.record));
    s.push_str("\n\nHvem har set eller ændret journalen\n");
    for line in access_lines(r) {
        s.push_str(&format!("  {line}\n"));
    }
    s
}

/// A client's whole record as text (`client show`, the insight report).
pub fn record_text(r: &FullRecord) -> String {
    let c = &r.client;
    let mut s = format!(
        "{}\n  CPR: {}  Født: {}  Alder: {}  Køn: {}\n  Bopælskommune: {}\n",
        c.name,
        c.cpr.as_deref().unwrap_or(if c.anonymous { "anonym (Sundhedsloven §141)" } else { "-" }),
        od(c.birth_date),
        c.age.map(|a| a.to_string()).unwrap_or_else(|| "-".into()),
        c.sex.as_ref().map(|x| x.label.as_str()).unwrap_or("-"),
        c.municipality.label
    );
    s.push_str(&format!("  Id: {}\n", c.id));
    s.push_str("\nBørn\n");
    if r.children.is_empty() {
        s.push_str("  Ingen registrerede børn.\n");
    }
    for ch in &r.children {
        s.push_str(&format!(
            "  {} ({} år, født {})  {}\n    Forældremyndighed: {}  Bopæl: {}{}\n    Sag i familieafdelingen: {}  Bekymring: {}\n",
            ch.name,
            ch.age,
            d(ch.birth_date),
            ch.relation.label,
            ch.custody.label,
            ch.residence.label,
            ch.visitation.as_ref().map(|v| format!(" ({v})")).unwrap_or_default(),
            if ch.family_case { format!("ja{}", ch.caseworker.as_ref().map(|w| format!(", sagsbehandler {w}")).unwrap_or_default()) } else { "nej".into() },
            ch.concern.label
        ));
        for n in &ch.notifications {
            s.push_str(&format!(
                "    Underretning {} til {}: {}{}\n",
                d(n.made_on),
                n.recipient,
                n.reason,
                n.answer_received_on.map(|a| format!(" (svar {})", d(a))).unwrap_or_else(|| " (ikke besvaret)".into())
            ));
        }
        if let Some(p) = ch.emergency_plans.last() {
            s.push_str(&format!(
                "    Nødplan (version {}, {}): trygge voksne {}\n",
                p.revision,
                d(p.made_on),
                p.trusted_adults
            ));
        }
    }
    s.push_str("\nHenvendelser\n");
    for h in &r.referrals {
        s.push_str(&format!(
            "  {}  {}  {}  frist {}  udfald: {}\n",
            d(h.received_on),
            h.source.label,
            h.door.label,
            d(h.deadline),
            h.outcome.label
        ));
    }
    s.push_str("\nForløb\n");
    for co in &r.courses {
        s.push_str(&format!(
            "  {} ({}), {}: indskrevet {}, start {}, slut {}{}\n    Tovholder: {}  Betaler: {}  Id: {}\n",
            co.kind.label,
            co.setting.label,
            co.status.label,
            d(co.enrolled_on),
            od(co.start_on),
            od(co.end_on),
            co.end_reason.as_ref().map(|e| format!(" ({})", e.label)).unwrap_or_default(),
            co.case_owner,
            co.paying_municipality.label,
            co.id
        ));
        for a in &co.assessments {
            s.push_str(&format!(
                "    Udredning {}: AUDIT {}, {} genstande/uge\n",
                d(a.assessed_on),
                a.audit_score.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
                a.units_per_week.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
            ));
        }
        if let Some(p) = co.plan.last() {
            s.push_str(&format!("    Behandlingsplan version {} af {}: {}\n", p.revision, d(p.made_on), p.goals));
        }
        for m in &co.medications {
            s.push_str(&format!(
                "    Medicin: {} {} fra {}{}\n",
                m.drug.label,
                m.dose,
                d(m.started_on),
                m.stopped_on.map(|x| format!(" til {}", d(x))).unwrap_or_default()
            ));
        }
    }
    s.push_str("\nSamtaler\n");
    for se in &r.sessions {
        let who: Vec<String> = se
            .participants
            .iter()
            .map(|p| match &p.unit {
                Some(u) => format!("{} ({u})", p.name),
                None => p.name.clone(),
            })
            .collect();
        s.push_str(&format!(
            "  {} {}  {}  {}  {}\n",
            d(se.held_on),
            se.start_time.as_deref().unwrap_or(""),
            se.kind.label,
            se.attendance.as_ref().map(|a| a.label.as_str()).unwrap_or("booket"),
            who.join(", ")
        ));
    }
    s.push_str("\nNotater\n");
    for n in &r.notes {
        let mark = match n.kind {
            NoteKind::Note if !n.corrected_by.is_empty() => " [rettet senere]",
            NoteKind::Note => "",
            NoteKind::Correction => " [rettelse]",
            NoteKind::Error => " [markerer fejlregistrering]",
        };
        s.push_str(&format!(
            "  {} {} ({}){}{}\n    {}\n",
            d(n.written_on),
            n.author,
            n.stamp.created_at,
            mark,
            if n.internal { " [internt]" } else { "" },
            n.text.replace('\n', "\n    ")
        ));
    }
    if !r.consents.is_empty() {
        s.push_str("\nSamtykker\n");
        for c in &r.consents {
            s.push_str(&format!(
                "  {}: {} fra {}{}\n",
                c.scope.label,
                c.recipient,
                d(c.given_on),
                c.withdrawn_on.map(|w| format!(", trukket tilbage {}", d(w))).unwrap_or_default()
            ));
        }
    }
    s.trim_end().to_string()
}
