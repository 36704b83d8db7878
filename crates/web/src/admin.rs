//! Account administration (brugeradministration): create staff and guardian accounts, assign
//! roles, institution and classes, disable, unlock and reset. Administrators see no child data.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::{Markup, html};
use trivsel_domain::access::{Action, Resource, can};
use trivsel_domain::model::Role;
use trivsel_store::{Institution, NewUser, User, UserUpdate};

use crate::audit::entry;
use crate::session::Viewer;
use crate::{AppState, layout, password};

type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
}

fn may_admin(viewer: &Viewer, action: Action) -> bool {
    can(
        &viewer.actor,
        action,
        &Resource::Accounts {
            municipality_id: viewer.user.municipality_id,
        },
    )
}

fn refused(viewer: &Viewer) -> Response {
    layout::forbidden_for(Some(&viewer.user), "Kun administratorer kan administrere brugere.")
}

/// The account `id` of the administrator's own municipality, if the viewer may change accounts.
async fn writable_target(state: &AppState, viewer: &Viewer, id: i64) -> Result<User, Response> {
    if !may_admin(viewer, Action::Write) {
        return Err(refused(viewer));
    }
    target(state, viewer, id).await
}

async fn target(state: &AppState, viewer: &Viewer, id: i64) -> Result<User, Response> {
    match state.store.user_by_id(id).await {
        Ok(Some(u)) if u.municipality_id == viewer.user.municipality_id => Ok(u),
        Ok(_) => Err(layout::not_found()),
        Err(e) => Err(layout::server_error(&e)),
    }
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
    layout::page(
        "Brugere",
        Some(&viewer.user),
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

pub async fn users(State(state): State<AppState>, viewer: Viewer) -> Response {
    if !may_admin(&viewer, Action::Read) {
        return refused(&viewer);
    }
    let m = viewer.user.municipality_id;
    match tokio::try_join!(state.store.users(m), state.store.institutions(m)) {
        Ok((users, institutions)) => users_page(&viewer, &users, &institutions, None).into_response(),
        Err(e) => layout::server_error(&e),
    }
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

pub async fn create_user(State(state): State<AppState>, viewer: Viewer, Form(fields): Form<Fields>) -> Response {
    if !may_admin(&viewer, Action::Write) {
        return refused(&viewer);
    }
    let m = viewer.user.municipality_id;
    let (users, institutions) = match tokio::try_join!(state.store.users(m), state.store.institutions(m)) {
        Ok(found) => found,
        Err(e) => return layout::server_error(&e),
    };
    let fail = |msg: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            users_page(&viewer, &users, &institutions, Some(msg)),
        )
            .into_response()
    };
    let username = field(&fields, "username").to_lowercase();
    if username.is_empty() || username.chars().any(|c| c.is_whitespace() || c.is_control()) || username.len() > 64 {
        return fail("Brugernavnet skal være udfyldt, højst 64 tegn og uden mellemrum.");
    }
    if users.iter().any(|u| u.username == username) {
        return fail(&format!("Brugernavnet «{username}» findes allerede."));
    }
    let Ok(name) = trivsel_domain::validate::name(field(&fields, "name")) else {
        return fail("Navnet skal være udfyldt.");
    };
    let Some(role) = Role::from_id(field(&fields, "role")) else {
        return fail("Vælg en rolle.");
    };
    let institution_id = match parse_institution(field(&fields, "institution"), &institutions) {
        Ok(id) => id,
        Err(msg) => return fail(&msg),
    };
    let pw = field(&fields, "password");
    let password_hash = if pw.is_empty() {
        None
    } else {
        if let Err(msg) = password::check_policy(pw, &username) {
            return fail(&msg);
        }
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
    match state.store.create_user(&new, Some(&audit)).await {
        Ok(id) => Redirect::to(&format!("/admin/brugere/{id}")).into_response(),
        Err(e) => layout::server_error(&e),
    }
}

async fn user_page(state: &AppState, viewer: &Viewer, u: &User, message: Option<&str>, status: StatusCode) -> Response {
    let m = viewer.user.municipality_id;
    let (institutions, class_ids) =
        match tokio::try_join!(state.store.institutions(m), state.store.user_class_ids(u.id)) {
            Ok(found) => found,
            Err(e) => return layout::server_error(&e),
        };
    let classes = match state.store.class_cards(&[], u.institution_id).await {
        Ok(c) => c,
        Err(e) => return layout::server_error(&e),
    };
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
    (
        status,
        layout::page(
            &format!("Bruger {}", u.username),
            Some(&viewer.user),
            "/admin/brugere",
            body,
        ),
    )
        .into_response()
}

pub async fn user(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    if !may_admin(&viewer, Action::Read) {
        return refused(&viewer);
    }
    match target(&state, &viewer, id).await {
        Ok(u) => user_page(&state, &viewer, &u, None, StatusCode::OK).await,
        Err(response) => response,
    }
}

pub async fn update_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let u = match writable_target(&state, &viewer, id).await {
        Ok(u) => u,
        Err(response) => return response,
    };
    let institutions = match state.store.institutions(viewer.user.municipality_id).await {
        Ok(i) => i,
        Err(e) => return layout::server_error(&e),
    };
    let checked = (|| {
        let name = trivsel_domain::validate::name(field(&fields, "name"))
            .map_err(|_| "Navnet skal være udfyldt.".to_string())?;
        let role = Role::from_id(field(&fields, "role")).ok_or_else(|| "Vælg en rolle.".to_string())?;
        let institution_id = parse_institution(field(&fields, "institution"), &institutions)?;
        Ok::<_, String>((name.to_string(), role, institution_id))
    })();
    let (name, role, institution_id) = match checked {
        Ok(found) => found,
        Err(msg) => return user_page(&state, &viewer, &u, Some(&msg), StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let allowed_classes = match state.store.class_cards(&[], institution_id).await {
        Ok(c) => c,
        Err(e) => return layout::server_error(&e),
    };
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
    if let Err(e) = state.store.update_user(u.id, &update, &audit).await {
        return layout::server_error(&e);
    }
    Redirect::to(&format!("/admin/brugere/{id}")).into_response()
}

pub async fn set_status(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let u = match writable_target(&state, &viewer, id).await {
        Ok(u) => u,
        Err(response) => return response,
    };
    let disabled = field(&fields, "disabled") == "true";
    if disabled && u.id == viewer.user.id {
        return user_page(
            &state,
            &viewer,
            &u,
            Some("Du kan ikke deaktivere din egen konto."),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let audit = entry(
        &viewer,
        "user.status",
        None,
        Some(format!("{} deaktiveret={disabled}", u.username)),
        true,
    );
    match state.store.set_disabled(u.id, disabled, &audit).await {
        Ok(()) => Redirect::to(&format!("/admin/brugere/{id}")).into_response(),
        Err(e) => layout::server_error(&e),
    }
}

pub async fn unlock(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    let u = match writable_target(&state, &viewer, id).await {
        Ok(u) => u,
        Err(response) => return response,
    };
    let audit = entry(&viewer, "user.unlock", None, Some(u.username.clone()), true);
    match state.store.reset_login_throttle(u.id, Utc::now(), &audit).await {
        Ok(()) => user_page(&state, &viewer, &u, Some("Login er låst op."), StatusCode::OK).await,
        Err(e) => layout::server_error(&e),
    }
}

pub async fn reset_totp(State(state): State<AppState>, viewer: Viewer, Path(id): Path<i64>) -> Response {
    let u = match writable_target(&state, &viewer, id).await {
        Ok(u) => u,
        Err(response) => return response,
    };
    let audit = entry(&viewer, "user.totp_reset", None, Some(u.username.clone()), true);
    if let Err(e) = state.store.set_totp_secret(u.id, None, &audit).await {
        return layout::server_error(&e);
    }
    let u = User { totp_secret: None, ..u };
    user_page(
        &state,
        &viewer,
        &u,
        Some("Totrinsbekræftelsen er nulstillet; brugeren opsætter den ved næste login."),
        StatusCode::OK,
    )
    .await
}

pub async fn set_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Response {
    let u = match writable_target(&state, &viewer, id).await {
        Ok(u) => u,
        Err(response) => return response,
    };
    let pw = field(&fields, "password").to_string();
    if let Err(msg) = password::check_policy(&pw, &u.username) {
        return user_page(&state, &viewer, &u, Some(&msg), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .unwrap_or_default();
    let audit = entry(&viewer, "user.password", None, Some(u.username.clone()), true);
    match state.store.set_password(u.id, &hash, &audit).await {
        Ok(()) => {
            user_page(
                &state,
                &viewer,
                &u,
                Some("Adgangskoden er sat, og brugerens sessioner er afsluttet."),
                StatusCode::OK,
            )
            .await
        }
        Err(e) => layout::server_error(&e),
    }
}
