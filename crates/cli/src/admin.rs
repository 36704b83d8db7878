//! Administration from the command line: users and the audit log.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use chrono::{Duration, Utc};
use trivsel_store::{AuditEntry, Store};

use crate::progress;

/// Who acts when a command (not a logged-in user) changes data.
pub fn cli_actor(municipality_id: i64, action: &str, criterion: Option<String>) -> AuditEntry {
    AuditEntry {
        municipality_id,
        user_id: None,
        username: "kommandolinje".into(),
        role: "system".into(),
        action: action.into(),
        child_id: None,
        criterion,
        allowed: true,
        address: None,
    }
}

pub async fn import_users(store: &Store, municipality: Option<&str>, file: &Path) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let bar = progress::Bar::for_file(file);
    let audit = cli_actor(m.id, "user.import", None);
    let summary = trivsel_import::import_users(store, m.id, file, &audit, &bar).await;
    bar.finish();
    println!("{}: {}", file.display(), summary?);
    Ok(())
}

pub async fn import_guardians(store: &Store, municipality: Option<&str>, file: &Path) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let bar = progress::Bar::for_file(file);
    let audit = cli_actor(m.id, "guardian.import", None);
    let summary = trivsel_import::import_guardians(store, m.id, file, &audit, &bar).await;
    bar.finish();
    println!("{}: {}", file.display(), summary?);
    Ok(())
}

pub async fn import_assignments(store: &Store, municipality: Option<&str>, file: &Path) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let bar = progress::Bar::for_file(file);
    let audit = cli_actor(m.id, "assignment.import", None);
    let today = chrono::Local::now().date_naive();
    let summary = trivsel_import::import_assignments(store, m.id, file, &audit, today, &bar).await;
    bar.finish();
    println!("{}: {}", file.display(), summary?);
    Ok(())
}

pub async fn import_transition_questions(store: &Store, municipality: Option<&str>, file: &Path) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let bar = progress::Bar::for_file(file);
    let audit = cli_actor(m.id, "transition_form.questions", None);
    let summary = trivsel_import::import_transition_questions(store, m.id, file, &audit, &bar).await;
    bar.finish();
    println!("{}: {}", file.display(), summary?);
    Ok(())
}

/// Imports the national survey's published results (`answers: None`) or pupil-level answers
/// (with the mapping file, if given).
pub async fn import_survey(
    store: &Store,
    municipality: Option<&str>,
    file: &Path,
    answers: Option<Option<&Path>>,
) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let bar = progress::Bar::for_file(file);
    let summary = match answers {
        None => {
            let audit = cli_actor(m.id, "survey.results_import", None);
            trivsel_import::import_survey_results(store, m.id, file, &audit, &bar).await
        }
        Some(mapping) => {
            let mapping = trivsel_import::read_mapping(mapping)?;
            let audit = cli_actor(m.id, "survey.answers_import", None);
            trivsel_import::import_survey_answers(store, m.id, file, &mapping, &audit, &bar).await
        }
    };
    bar.finish();
    println!("{}: {}", file.display(), summary?);
    Ok(())
}

/// Shows the overgangsskema's questions and ADBB cut-off, setting the cut-off first if given.
pub async fn transition_form(store: &Store, municipality: Option<&str>, cutoff: Option<u32>) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    if let Some(n) = cutoff {
        let audit = cli_actor(m.id, "transition_form.adbb_cutoff", Some(n.to_string()));
        store.set_adbb_cutoff(m.id, n, &audit).await?;
    }
    println!("Overgangsskemaet i {}:", m.name);
    for (i, q) in store.transition_questions(m.id).await?.iter().enumerate() {
        println!("{:>3}. {} ({})", i + 1, q.text, q.key);
    }
    println!(
        "ADBB: en samlet score på mindst {} giver anledning til opmærksomhed.",
        store.adbb_cutoff(m.id).await?
    );
    Ok(())
}

/// Sets a user's password, read without echo from the terminal (or as one line from stdin).
pub async fn set_password(store: &Store, username: &str) -> anyhow::Result<()> {
    let user = store
        .user_by_username(&username.to_lowercase())
        .await?
        .ok_or_else(|| anyhow!("brugeren «{username}» findes ikke"))?;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Ny adgangskode: ")?;
        if rpassword::prompt_password("Gentag adgangskoden: ")? != first {
            bail!("de to adgangskoder er ikke ens; intet er ændret");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("kan ikke læse adgangskoden fra standard input")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    trivsel_web::password::check_policy(&password, &user.username).map_err(|m| anyhow!("{m} Intet er ændret."))?;
    let hash = tokio::task::spawn_blocking(move || trivsel_web::password::hash(&password)).await?;
    let audit = cli_actor(user.municipality_id, "user.password", Some(user.username.clone()));
    store.set_password(user.id, &hash, &audit).await?;
    println!(
        "Adgangskoden for «{}» er sat; brugerens sessioner er afsluttet.",
        user.username
    );
    Ok(())
}

/// Verifies the chain; with `head` (`SEQ:HASH` from `trivsel audit head`) also that no row up to
/// it has been removed from the end.
pub async fn verify(store: &Store, municipality: Option<&str>, head: Option<&str>) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    let report = store.audit_verify(m.id).await?;
    if let Some(broken) = report.broken {
        bail!(
            "revisionssporet for {} er brudt ved række {}: {}",
            m.name,
            broken.seq,
            broken.reason
        );
    }
    let current = report
        .head
        .as_ref()
        .map_or((0, String::new()), |h| (h.seq, h.hash.clone()));
    if let Some(expected) = head {
        let (seq, hash) = expected
            .split_once(':')
            .and_then(|(s, h)| Some((s.parse::<i64>().ok()?, h)))
            .ok_or_else(|| anyhow!("--head skal have formen SEKVENS:HASH, som `trivsel audit head` skriver"))?;
        let anchor = report.head.as_ref().map_or(0, |h| h.anchor_seq);
        if seq > current.0 {
            bail!(
                "revisionssporet er afkortet: det eksporterede hoved er række {seq}, men sporet slutter ved række {}",
                current.0
            );
        }
        if seq <= anchor {
            bail!(
                "række {seq} er slettet efter opbevaringsperioden (ankeret er række {anchor}) og kan ikke kontrolleres"
            );
        }
        if !store.audit_row_hash_matches(m.id, seq, hash).await? {
            bail!("række {seq} har ikke det eksporterede hash: sporet er ændret");
        }
    }
    println!(
        "Revisionssporet for {} er intakt: {} rækker kontrolleret; hoved {}:{}",
        m.name, report.rows, current.0, current.1
    );
    Ok(())
}

pub async fn head(store: &Store, municipality: Option<&str>) -> anyhow::Result<()> {
    let m = store.find_municipality(municipality).await?;
    match store.audit_head(m.id).await? {
        Some(h) => println!("{}:{}", h.seq, h.hash),
        None => println!("0:{}", trivsel_domain::audit::GENESIS),
    }
    Ok(())
}

pub async fn prune(store: &Store, municipality: Option<&str>, days: i64) -> anyhow::Result<()> {
    if days < 1 {
        bail!("--days skal være mindst 1");
    }
    let m = store.find_municipality(municipality).await?;
    let deleted = store.audit_prune(m.id, Utc::now() - Duration::days(days)).await?;
    println!("{deleted} rækker ældre end {days} dage er slettet; kæden kontrolleres fremover fra det nye anker.");
    Ok(())
}

pub async fn set_oidc(
    store: &Store,
    municipality: &str,
    issuer: String,
    client_id: String,
    label: String,
    username_claim: String,
) -> anyhow::Result<()> {
    let m = store.find_municipality(Some(municipality)).await?;
    if !matches!(username_claim.as_str(), "preferred_username" | "email" | "sub") {
        bail!("--username-claim skal være preferred_username, email eller sub");
    }
    if !(issuer.starts_with("https://")
        || issuer.starts_with("http://127.0.0.1")
        || issuer.starts_with("http://localhost"))
    {
        bail!("issuer skal være en https-adresse (http kun på loopback til test)");
    }
    let client_secret = match std::env::var("TRIVSEL_OIDC_CLIENT_SECRET") {
        Ok(s) if !s.is_empty() => s,
        _ => {
            if std::io::stdin().is_terminal() {
                rpassword::prompt_password("Klienthemmelighed: ")?
            } else {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim().to_string()
            }
        }
    };
    if client_secret.is_empty() {
        bail!("klienthemmeligheden mangler (TRIVSEL_OIDC_CLIENT_SECRET eller standard input)");
    }
    let provider = trivsel_store::OidcProvider {
        municipality_id: m.id,
        label,
        issuer,
        client_id,
        client_secret,
        username_claim,
    };
    store.set_oidc_provider(&provider).await?;
    println!("Single sign-on for {} er gemt ({}).", m.name, provider.issuer);
    Ok(())
}

pub async fn list_oidc(store: &Store) -> anyhow::Result<()> {
    let municipalities = store.municipalities().await?;
    for p in store.oidc_providers().await? {
        let code = municipalities
            .iter()
            .find(|m| m.id == p.municipality_id)
            .map_or("?", |m| m.code.as_str());
        println!(
            "{code}\t{}\t{}\t{}\t{}",
            p.label, p.issuer, p.client_id, p.username_claim
        );
    }
    Ok(())
}
