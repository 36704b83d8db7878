//! Audit rows from web requests, and the Danish names of audited actions.

use trivsel_store::AuditEntry;

use crate::session::Viewer;

/// An audit entry for what `viewer` did (or tried).
pub fn entry(
    viewer: &Viewer,
    action: &str,
    child_id: Option<i64>,
    criterion: Option<String>,
    allowed: bool,
) -> AuditEntry {
    AuditEntry {
        municipality_id: viewer.user.municipality_id,
        user_id: Some(viewer.user.id),
        username: viewer.user.username.clone(),
        role: viewer.user.role.id().into(),
        action: action.into(),
        child_id,
        criterion,
        allowed,
        address: Some(viewer.address.clone()),
    }
}

/// What an action means, for access logs.
pub fn purpose(action: &str) -> &'static str {
    match action {
        "child.read" => "Stamdata vist",
        "child.access_log.read" => "Adgangslog vist",
        "child.lookups.read" => "Opslagsliste vist",
        "child.list" => "Børneliste vist",
        "class.read" => "Klasseliste vist",
        "user.create" => "Bruger oprettet",
        "user.update" => "Bruger ændret",
        "user.status" => "Bruger (de)aktiveret",
        "user.unlock" => "Login låst op",
        "user.totp_reset" => "Totrinskode nulstillet",
        "user.totp_setup" => "Totrinskode oprettet",
        "user.password" => "Adgangskode sat",
        "concern.read" => "Bekymringer vist",
        "concern.create" => "Bekymring registreret",
        "chronology.read" => "Kronologi vist",
        "tier.read" => "Indsatstrin vist",
        "tier.change" => "Indsatstrin ændret",
        "tier.override" => "Indgribende indsats; krav tilsidesat af skoleleder",
        "ppv.register" => "PPV registreret",
        "pku.refer" => "Henvist til PKU",
        "pku.override" => "Henvist til PKU; krav tilsidesat af skoleleder",
        "pku.read" => "PKU-henvisning vist",
        "plan.list" => "Planer vist",
        "plan.create" => "Plan oprettet",
        "plan.read" => "Plan vist",
        "plan.save" => "Plan ændret",
        "plan.versions" => "Planversioner sammenlignet",
        "plan.evaluate" => "Plan evalueret",
        "plan.close" => "Plan afsluttet",
        "plan.parents" => "Forældrenes perspektiv skrevet",
        "task.list" => "Opgaveliste vist",
        "task.complete" => "Opgave markeret som udført",
        "conference.prepare" => "Klassekonference forberedt",
        "conference.save" => "Klassekonference gemt",
        "conference.read" => "Klassekonference vist",
        "consent.read" => "Samtykker vist",
        "consent.give" => "Samtykke givet i forældrevisningen",
        "consent.record" => "Samtykke registreret af personale",
        "consent.revoke" => "Samtykke trukket tilbage",
        "sparring.read" => "Anonym sparring vist",
        "sparring.save" => "Anonym sparring gemt",
        _ => "Anden handling",
    }
}
