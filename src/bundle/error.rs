//! The refusals of site cards and case bundles. Each has a stable code and a
//! Danish message; every refusal leaves the journal unchanged.

use std::path::PathBuf;

/// Why a site card, a partner registration or a bundle was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The file is not a site card (or not one this program reads).
    #[error("Filen er ikke et Tovholder-stedkort, eller kortet er beskadiget.")]
    CardFormat,
    /// The card's self-signature does not fit its content.
    #[error("Stedkortets underskrift passer ikke med indholdet: kortet er ændret. Bed partneren om et nyt stedkort.")]
    CardSignature,
    /// The card is this installation's own.
    #[error("Stedkortet er denne installations eget kort; registrér partnerens kort.")]
    CardOwn,
    /// The fingerprint typed in is not the card's.
    #[error("Fingeraftrykket passer ikke med stedkortets ({expected}). Partneren er ikke registreret; ring til partneren, og sammenlign igen.")]
    FingerprintMismatch { expected: String },
    /// Nobody confirmed the fingerprint.
    #[error("Partneren er ikke registreret: fingeraftrykket blev ikke bekræftet.")]
    NotConfirmed,
    /// A card for a registered partner with other keys.
    #[error("«{name}» er allerede registreret med andre nøgler. Kontakt partneren: et nyt stedkort for samme installation kan betyde, at nogen udgiver sig for den.")]
    PartnerKeyChanged { name: String },
    /// A partner name or id that is not registered.
    #[error("«{name}» er ikke en registreret partner. Registrér partnerens stedkort først (tovholder partner add).")]
    UnknownPartner { name: String },
    /// The file is not a case bundle at all.
    #[error("Filen er ikke en Tovholder-bundle; intet er ændret.")]
    NotABundle,
    /// Encrypted to another installation.
    #[error("Bundlen er ikke til denne installation (den er krypteret til en anden); intet er ændret.")]
    NotForThisSite,
    /// Altered, truncated or damaged on the way.
    #[error("Bundlen er ændret eller beskadiget (for eksempel afbrudt under kopieringen); intet er ændret. Bed afsenderen om at skrive den igen.")]
    Damaged,
    /// Signed by a key no registered partner has.
    #[error("Bundlen er underskrevet af en ukendt afsender; intet er ændret. Registrér afsenderens stedkort først (tovholder partner add).")]
    UnknownSender,
    /// Signed and encrypted for this site, but its manifest names another.
    #[error("Bundlen er adresseret til en anden installation end denne; intet er ændret.")]
    WrongRecipient,
    /// A bundle format or schema this program does not know.
    #[error("Bundlen er skrevet af en nyere Tovholder (format {found}, skemaversion {schema}); intet er ændret. Opdatér Tovholder.")]
    Version { found: u32, schema: i64 },
    /// A bundle that does not follow the last one and is not covered.
    #[error("Bundle {seq} fra {from} mangler; intet er ændret. Indlæs bundle {seq} først, eller bed {from} om en ny bundle.")]
    Missing { seq: i64, from: String },
    /// A sequence number already read with other content.
    #[error("Bundle {seq} fra {from} er allerede indlæst med et andet indhold: {from}s journal er formentlig gendannet fra en sikkerhedskopi. Intet er ændret; kontakt {from}.")]
    SequenceReused { seq: i64, from: String },
    /// The previous-bundle hash does not fit the bundle read before.
    #[error(
        "Bundle {seq} fra {from} passer ikke med bundle {prev}, som blev indlæst før; intet er ændret. Kontakt {from}."
    )]
    Chain { seq: i64, prev: i64, from: String },
    /// Larger than any bundle this program writes.
    #[error("Bundlen er større, end Tovholder kan læse; intet er ændret.")]
    TooLarge,
    /// The bundle could not be written (a full or write-protected stick).
    #[error("Bundlen kunne ikke skrives til {}: {reason}. Der er ikke skrevet nogen bundle; prøv et andet drev.", .dir.display())]
    Write { dir: PathBuf, reason: &'static str },
}

impl BundleError {
    pub fn code(&self) -> &'static str {
        match self {
            BundleError::CardFormat => "card_format",
            BundleError::CardSignature => "card_signature",
            BundleError::CardOwn => "card_own",
            BundleError::FingerprintMismatch { .. } => "fingerprint_mismatch",
            BundleError::NotConfirmed => "partner_not_confirmed",
            BundleError::PartnerKeyChanged { .. } => "partner_key_changed",
            BundleError::UnknownPartner { .. } => "unknown_partner",
            BundleError::NotABundle => "bundle_format",
            BundleError::NotForThisSite => "bundle_not_for_this_site",
            BundleError::Damaged => "bundle_damaged",
            BundleError::UnknownSender => "bundle_unknown_sender",
            BundleError::WrongRecipient => "bundle_wrong_recipient",
            BundleError::Version { .. } => "bundle_version",
            BundleError::Missing { .. } => "bundle_missing",
            BundleError::SequenceReused { .. } => "bundle_sequence_reused",
            BundleError::Chain { .. } => "bundle_chain",
            BundleError::TooLarge => "bundle_too_large",
            BundleError::Write { .. } => "bundle_write",
        }
    }
}

/// The Danish reason a file could not be written.
pub(crate) fn write_reason(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        StorageFull | QuotaExceeded | FileTooLarge => "der er ikke plads på drevet",
        ReadOnlyFilesystem | PermissionDenied => "drevet er skrivebeskyttet, eller der er ikke adgang til at skrive",
        NotFound => "mappen findes ikke",
        NotADirectory => "stien er ikke en mappe",
        _ => "ind/ud-fejl",
    }
}
