//! Account administration (brugeradministration): create staff and guardian accounts, assign
//! roles, institution and classes, disable, unlock and reset. Administrators see no child data.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use trivsel_domain::access::{Action, Resource, can};
use trivsel_domain::model::Role;
use trivsel_store::{Institution, NewUser, User, UserUpdate};

use crate::kit::access::{entry, refuse};
use crate::kit::clock::now;
use crate::kit::form::{Fields, field};
use crate::kit::menu::MenuItem;
use crate::kit::password;
use crate::kit::shell;
use crate::kit::{AppState, Page, PageError, Viewer};

pub const MENU: &[MenuItem] = &[MenuItem {
    order: 70,
    href: "/admin/brugere",
    label: "Brugere",
    daycare_label: None,
    school_only: false,
    daycare_only: false,
    shown: |r| r == Role::Admin,
}];

fn may_admin(viewer: &Viewer, action: Action) -> bool {
    can(
        &viewer.actor,
        action,
        &Resource::Accounts {
            municipality_id: viewer.user.municipality_id,
        },
    )
}

/// The 403 for anyone but an administrator, audited like every refusal.
async fn refused(state: &AppState, viewer: &Viewer, criterion: String) -> PageError {
    refuse(
        state,
        viewer,
        "user.admin",
        None,
        criterion,
        "Kun administratorer kan administrere brugere.",
    )
    .await
}

/// The account `id` of the administrator's own municipality, if the viewer may change accounts.
async fn writable_target(state: &AppState, viewer: &Viewer, id: i64) -> Result<User, PageError> {
    if !may_admin(viewer, Action::Write) {
        return Err(refused(state, viewer, format!("bruger {id}")).await);
    }
    target(state, viewer, id).await
}

/// The account `id` of the viewer's own municipality; another municipality's is unknown (404).
async fn target(state: &AppState, viewer: &Viewer, id: i64) -> Result<User, PageError> {
    state
        .store
        .user_by_id(id)
        .await?
        .filter(|u| u.municipality_id == viewer.user.municipality_id)
        .ok_or_else(PageError::not_found)
}

fn role_select(selected: Option<Role>) -> Markup {
    html! {
        select id="role" name="role" required {
            @for r in Role::ALL {
                option value=(r.id()) selected[selected == Some(r)] { (r.navn()) }
            }
        }
    }
}

fn institution_select(institutions: &[Institution], selected: Option<i64>) -> Markup {
    html! {
        select id="institution" name="institution" {
            option value="" { "(ingen)" }
            @for i in institutions {
                option value=(i.id) selected[selected == Some(i.id)] { (i.name) }
            }
        }
    }
}

fn users_page(viewer: &Viewer, users: &[User], institutions: &[Institution], error: Option<&str>) -> Markup {
    let inst_name = |id: Option<i64>| {
        institutions
            .iter()
            .find(|i| Some(i.id) == id)
            .map_or("", |i| i.name.as_str())
    };
    shell::page(
        "Brugere",
        Some(viewer),
        "/admin/brugere",
        html! {
            h1 { "Brugere" }
            table {
                thead { tr {
                    th scope="col" { "Brugernavn" } th scope="col" { "Navn" } th scope="col" { "Rolle" }
                    th scope="col" { "Institution" } th scope="col" { "Status" }
                } }
                tbody {
                    @for u in users {
                        tr {
                            td { a href={ "/admin/brugere/" (u.id) } { (u.username) } }
                            td { (u.name) }
                            td { (u.role.navn()) }
                            td { (inst_name(u.institution_id)) }
                            td { @if u.disabled { "Deaktiveret" } @else { "Aktiv" } }
                        }
                    }
                }
            }
            h2 id="ny" { "Opret bruger" }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form.stack method="post" action="/admin/brugere" {
                label for="username" { "Brugernavn" }
                input id="username" name="username" required autocomplete="off";
                label for="name" { "Navn" }
                input id="name" name="name" required;
                label for="email" { "E-mail (valgfri)" }
                input id="email" name="email" type="email";
                label for="role" { "Rolle" }
                (role_select(None))
                label for="institution" { "Institution" }
                (institution_select(institutions, None))
                label for="password" { "Første adgangskode (valgfri ved single sign-on)" }
                input id="password" name="password" type="password" autocomplete="new-password";
                button type="submit" { "Opret" }
            }
        },
    )
}

pub async fn users(State(state): State<AppState>, viewer: Viewer) -> Page {
    if !may_admin(&viewer, Action::Read) {
        return Err(refused(&state, &viewer, "brugere".into()).await);
    }
    let m = viewer.user.municipality_id;
    let (users, institutions) = tokio::try_join!(state.store.users(m), state.store.institutions(m))?;
    Ok(users_page(&viewer, &users, &institutions, None).into_response())
}

fn parse_institution(value: &str, institutions: &[Institution]) -> Result<Option<i64>, String> {
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .ok()
        .filter(|id| institutions.iter().any(|i| i.id == *id))
        .map(Some)
        .ok_or_else(|| "Ukendt institution.".to_string())
}

pub async fn create_user(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Page {
    if !may_admin(&viewer, Action::Write) {
        return Err(refused(&state, &viewer, "ny bruger".into()).await);
    }
    let m = viewer.user.municipality_id;
    let (users, institutions) = tokio::try_join!(state.store.users(m), state.store.institutions(m))?;
    let fail = |msg: &str| PageError::unprocessable(users_page(&viewer, &users, &institutions, Some(msg)));
    let username = field(&fields, "username").to_lowercase();
    if username.is_empty() || username.chars().any(|c| c.is_whitespace() || c.is_control()) || username.len() > 64 {
        return Err(fail("Brugernavnet skal være udfyldt, højst 64 tegn og uden mellemrum."));
    }
    if users.iter().any(|u| u.username == username) {
        return Err(fail(&format!("Brugernavnet «{username}» findes allerede.")));
    }
    let Ok(name) = trivsel_domain::validate::name(field(&fields, "name")) else {
        return Err(fail("Navnet skal være udfyldt."));
    };
    let Some(role) = Role::from_id(field(&fields, "role")) else {
        return Err(fail("Vælg en rolle."));
    };
    let institution_id = parse_institution(field(&fields, "institution"), &institutions).map_err(|msg| fail(&msg))?;
    let pw = field(&fields, "password");
    let password_hash = if pw.is_empty() {
        None
    } else {
        password::check_policy(pw, &username).map_err(|msg| fail(&msg))?;
        let pw = pw.to_string();
        Some(
            tokio::task::spawn_blocking(move || password::hash(&pw))
                .await
                .unwrap_or_default(),
        )
    };
    let email = Some(field(&fields, "email").to_string()).filter(|e| !e.is_empty());
    let new = NewUser {
        municipality_id: m,
        username: username.clone(),
        name: name.to_string(),
        email,
        role,
        institution_id,
        child_id: None,
        password_hash,
        demo_only: false,
        class_ids: vec![],
    };
    let audit = entry(&viewer, "user.create", None, Some(username), true);
    let id = state.store.create_user(&new, Some(&audit)).await?;
    Ok(Redirect::to(&format!("/admin/brugere/{id}")).into_response())
}

/// The account's page, with `message` (a confirmation or the reason a change was not made).
async fn user_page(state: &AppState, viewer: &Viewer, u: &User, message: Option<&str>) -> Result<Markup, PageError> {
    let m = viewer.user.municipality_id;
    let (institutions, class_ids) = tokio::try_join!(state.store.institutions(m), state.store.user_class_ids(u.id))?;
    let classes = state.store.class_cards(&[], u.institution_id).await?;
    let base = format!("/admin/brugere/{}", u.id);
    let body = html! {
        h1 { "Bruger: " (u.username) }
        @if let Some(message) = message { p.notice role="status" { (message) } }
        p { "Status: " @if u.disabled { strong { "Deaktiveret" } } @else { "Aktiv" }
            " · Totrinsbekræftelse: " @if u.totp_secret.is_some() { "opsat" } @else { "ikke opsat" } }
        form.stack method="post" action=(base) {
            label for="name" { "Navn" }
            input id="name" name="name" value=(u.name) required;
            label for="email" { "E-mail" }
            input id="email" name="email" type="email" value=(u.email.as_deref().unwrap_or(""));
            label for="role" { "Rolle" }
            (role_select(Some(u.role)))
            label for="institution" { "Institution" }
            (institution_select(&institutions, u.institution_id))
            @if !classes.is_empty() {
                fieldset {
                    legend { "Klasser (for lærere og pædagoger)" }
                    @for c in &classes {
                        label.check {
                            input type="checkbox" name="classes" value=(c.id) checked[class_ids.contains(&c.id)];
                            " " (c.name)
                        }
                    }
                }
            }
            button type="submit" { "Gem" }
        }
        h2 { "Adgang" }
        form method="post" action={ (base) "/status" } {
            input type="hidden" name="disabled" value=(if u.disabled { "false" } else { "true" });
            button type="submit" { @if u.disabled { "Aktivér kontoen" } @else { "Deaktivér kontoen (afslutter alle sessioner)" } }
        }
        form method="post" action={ (base) "/laas-op" } {
            button type="submit" { "Lås login op efter forkerte forsøg" }
        }
        form method="post" action={ (base) "/nulstil-totp" } {
            button type="submit" { "Nulstil totrinsbekræftelse" }
        }
        form.stack method="post" action={ (base) "/adgangskode" } {
            label for="password" { "Ny adgangskode" }
            input id="password" name="password" type="password" autocomplete="new-password" required;
            button type="submit" { "Sæt adgangskode" }
        }
        p { a href="/admin/brugere" { "Tilbage til brugerlisten" } }
    };
    Ok(shell::page(
        &format!("Bruger {}", u.username),
        Some(viewer),
        "/admin/brugere",
        body,
    ))
}

pub async fn user(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    if !may_admin(&viewer, Action::Read) {
        return Err(refused(&state, &viewer, format!("bruger {id}")).await);
    }
    let u = target(&state, &viewer, id).await?;
    Ok(user_page(&state, &viewer, &u, None).await?.into_response())
}

pub async fn update_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let u = writable_target(&state, &viewer, id).await?;
    let institutions = state.store.institutions(viewer.user.municipality_id).await?;
    let checked = (|| {
        let name = trivsel_domain::validate::name(field(&fields, "name"))
            .map_err(|_| "Navnet skal være udfyldt.".to_string())?;
        let role = Role::from_id(field(&fields, "role")).ok_or_else(|| "Vælg en rolle.".to_string())?;
        let institution_id = parse_institution(field(&fields, "institution"), &institutions)?;
        Ok::<_, String>((name.to_string(), role, institution_id))
    })();
    let (name, role, institution_id) = match checked {
        Ok(found) => found,
        Err(msg) => {
            return Err(PageError::unprocessable(
                user_page(&state, &viewer, &u, Some(&msg)).await?,
            ));
        }
    };
    let allowed_classes = state.store.class_cards(&[], institution_id).await?;
    let class_ids: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "classes")
        .filter_map(|(_, v)| v.parse().ok())
        .filter(|id| allowed_classes.iter().any(|c| c.id == *id))
        .collect();
    let email = Some(field(&fields, "email").to_string()).filter(|e| !e.is_empty());
    let update = UserUpdate {
        name,
        email,
        role,
        institution_id,
        class_ids,
    };
    let audit = entry(&viewer, "user.update", None, Some(u.username.clone()), true);
    state.store.update_user(u.id, &update, &audit).await?;
    Ok(Redirect::to(&format!("/admin/brugere/{id}")).into_response())
}

pub async fn set_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let u = writable_target(&state, &viewer, id).await?;
    let disabled = field(&fields, "disabled") == "true";
    if disabled && u.id == viewer.user.id {
        let page = user_page(&state, &viewer, &u, Some("Du kan ikke deaktivere din egen konto.")).await?;
        return Err(PageError::unprocessable(page));
    }
    let audit = entry(
        &viewer,
        "user.status",
        None,
        Some(format!("{} deaktiveret={disabled}", u.username)),
        true,
    );
    state.store.set_disabled(u.id, disabled, &audit).await?;
    Ok(Redirect::to(&format!("/admin/brugere/{id}")).into_response())
}

pub async fn unlock(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let u = writable_target(&state, &viewer, id).await?;
    let audit = entry(&viewer, "user.unlock", None, Some(u.username.clone()), true);
    state.store.reset_login_throttle(u.id, now(), &audit).await?;
    Ok(user_page(&state, &viewer, &u, Some("Login er låst op."))
        .await?
        .into_response())
}

pub async fn reset_totp(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Page {
    let u = writable_target(&state, &viewer, id).await?;
    let audit = entry(&viewer, "user.totp_reset", None, Some(u.username.clone()), true);
    state.store.set_totp_secret(u.id, None, &audit).await?;
    let u = User { totp_secret: None, ..u };
    let message = "Totrinsbekræftelsen er nulstillet; brugeren opsætter den ved næste login.";
    Ok(user_page(&state, &viewer, &u, Some(message)).await?.into_response())
}

pub async fn set_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Page {
    let u = writable_target(&state, &viewer, id).await?;
    let pw = field(&fields, "password").to_string();
    if let Err(msg) = password::check_policy(&pw, &u.username) {
        return Err(PageError::unprocessable(
            user_page(&state, &viewer, &u, Some(&msg)).await?,
        ));
    }
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .unwrap_or_default();
    let audit = entry(&viewer, "user.password", None, Some(u.username.clone()), true);
    state.store.set_password(u.id, &hash, &audit).await?;
    let message = "Adgangskoden er sat, og brugerens sessioner er afsluttet.";
    Ok(user_page(&state, &viewer, &u, Some(message)).await?.into_response())
}
