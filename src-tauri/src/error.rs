//! The shell's one error type, as the UI receives it: `{code, message,
//! field}`. The code is the core's stable `Error::code()`, the message its
//! Danish `Display`, and `field` (from `Invalid::field()`) names the input the
//! message belongs beside. `IpcError::from` is the one place that decides
//! what is logged: only the code of database and file errors, never personal
//! data, SQL or keys.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    /// Every refused field, when a form broke several rules at once (the
    /// core's `Error::Refused`); left out otherwise, and then `field` and
    /// `message` say it. `code`, `message` and `field` are then the first's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub refused: Option<Vec<FieldRefusal>>,
}

/// One refused field of a form: its rule's stable code, the Danish message
/// and the input it belongs beside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldRefusal {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl IpcError {
    /// An error of the shell itself (no journal open, a number that is not a number).
    pub fn new(code: &str, message: impl Into<String>, field: Option<&str>) -> IpcError {
        IpcError { code: code.to_string(), message: message.into(), field: field.map(str::to_string), refused: None }
    }

    /// A command while no one is logged in (at start, or after locking).
    pub fn locked() -> IpcError {
        IpcError::new("locked", "Journalen er låst. Log ind igen.", None)
    }

    /// Several refusals of one form as one answer: the first's code, message
    /// and field, and every one in `refused`; the one itself when there is
    /// one, `None` when there are none.
    pub fn all(errors: Vec<IpcError>) -> Option<IpcError> {
        let mut refused = Vec::new();
        for e in &errors {
            match &e.refused {
                Some(r) => refused.extend(r.iter().cloned()),
                None => refused.push(FieldRefusal {
                    code: e.code.clone(),
                    message: e.message.clone(),
                    field: e.field.clone(),
                }),
            }
        }
        let mut errors = errors.into_iter();
        let first = errors.next()?;
        if refused.len() == 1 {
            return Some(first);
        }
        let message = refused.iter().map(|r| r.message.as_str()).collect::<Vec<_>>().join(" ");
        let (code, field) = (refused[0].code.clone(), refused[0].field.clone());
        Some(IpcError { code, message, field, refused: Some(refused) })
    }

    pub fn no_journal() -> IpcError {
        IpcError::new("no_journal_open", "Der er ingen journal åben. Åbn eller opret en journal først.", None)
    }
}

impl From<tovholder::Error> for IpcError {
    fn from(e: tovholder::Error) -> IpcError {
        if matches!(e, tovholder::Error::Db(_) | tovholder::Error::Io(_)) {
            eprintln!("tovholder: fejl [{}]", e.code());
        }
        let field = e.invalid().and_then(|i| i.field()).map(str::to_string);
        let refused = matches!(e, tovholder::Error::Refused(_)).then(|| {
            e.refusals()
                .into_iter()
                .map(|i| FieldRefusal {
                    code: i.code().to_string(),
                    message: i.to_string(),
                    field: i.field().map(str::to_string),
                })
                .collect()
        });
        let message = app_message(&e).unwrap_or_else(|| e.to_string());
        IpcError { code: e.code().to_string(), message, field, refused }
    }
}

/// The core's messages that name a command of the `tovholder` CLI say, in
/// the app, where the same is done on screen (the code stays the core's).
fn app_message(e: &tovholder::Error) -> Option<String> {
    use tovholder::bundle::BundleError;
    match e {
        tovholder::Error::Bundle(BundleError::UnknownSender) => Some(
            "Bundlen er underskrevet af en ukendt afsender; intet er ændret. Registrér afsenderens stedkort under «Partnere» først."
                .into(),
        ),
        tovholder::Error::Bundle(BundleError::UnknownPartner { name }) => {
            Some(format!("«{name}» er ikke en registreret partner. Registrér partnerens stedkort under «Partnere» først."))
        }
        _ => None,
    }
}

impl From<tovholder::Invalid> for IpcError {
    fn from(e: tovholder::Invalid) -> IpcError {
        tovholder::Error::from(e).into()
    }
}

pub type IpcResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_unknown_sender_or_partner_is_registered_under_partnere_in_the_app_not_by_a_command() {
        use tovholder::bundle::BundleError;
        let sender: IpcError = tovholder::Error::Bundle(BundleError::UnknownSender).into();
        assert_eq!(sender.code, "bundle_unknown_sender");
        assert_eq!(
            sender.message,
            "Bundlen er underskrevet af en ukendt afsender; intet er ændret. Registrér afsenderens stedkort under «Partnere» først."
        );
        let partner: IpcError = tovholder::Error::Bundle(BundleError::UnknownPartner { name: "Stevns".into() }).into();
        assert_eq!(partner.code, "unknown_partner");
        assert_eq!(
            partner.message,
            "«Stevns» er ikke en registreret partner. Registrér partnerens stedkort under «Partnere» først."
        );
        for e in [sender, partner] {
            assert!(!e.message.contains("tovholder partner add"), "{}", e.message);
        }
    }

    #[test]
    fn several_refusals_of_one_form_are_one_answer_with_every_field() {
        assert_eq!(IpcError::all(Vec::new()), None);
        let path = IpcError::new("required", "Journalfil skal udfyldes.", Some("path"));
        assert_eq!(IpcError::all(vec![path.clone()]), Some(path.clone()), "one stays as it was");
        // The core's several refusals, then one of the shell's own.
        let core: IpcError = tovholder::Error::Refused(vec![
            tovholder::Invalid::Required { field: "name" },
            tovholder::Invalid::PasswordTooShort { min: 10 },
        ])
        .into();
        let again = IpcError::new("password_mismatch", "De to adgangskoder er ikke ens.", Some("password_again"));
        let all = IpcError::all(vec![path, core, again]).unwrap();
        let fields: Vec<(&str, Option<&str>)> =
            all.refused.as_ref().unwrap().iter().map(|r| (r.code.as_str(), r.field.as_deref())).collect();
        assert_eq!(
            fields,
            [
                ("required", Some("path")),
                ("required", Some("name")),
                ("password_too_short", Some("password")),
                ("password_mismatch", Some("password_again")),
            ]
        );
        assert_eq!((all.code.as_str(), all.field.as_deref()), ("required", Some("path")));
        assert!(all.message.starts_with("Journalfil skal udfyldes. Navn skal udfyldes."), "{}", all.message);
    }
}
