//! The Danish page shell shared by every page, and the pages every user can meet (login,
//! errors). Accessible by design: one `main` landmark, a skip link, labelled fields.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use trivsel_domain::model::Role;
use trivsel_store::User;

/// One page: `title` is the page's own name, shown first in the browser tab.
pub fn page(title: &str, user: Option<&User>, current: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="da" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Trivsel" }
                link rel="stylesheet" href="/static/trivsel.css";
                script src="/static/trivsel.js" defer {}
            }
            body {
                a.skip href="#indhold" { "Spring til indhold" }
                header.top {
                    a.brand href="/" { "Trivsel" }
                    @if let Some(user) = user {
                        nav aria-label="Hovedmenu" {
                            ul {
                                @for (href, label) in nav_items(user.role) {
                                    li {
                                        @if href == current {
                                            a href=(href) aria-current="page" { (label) }
                                        } @else {
                                            a href=(href) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                        div.who {
                            span { (user.name) " · " (user.role.navn()) }
                            form method="post" action="/logout" {
                                button type="submit" { "Log ud" }
                            }
                        }
                    }
                }
                main id="indhold" tabindex="-1" {
                    (body)
                }
                footer { "Trivsel – systematisk opfølgning på børns trivsel" }
            }
        }
    }
}

/// Menu entries a role sees. Later features add theirs here.
fn nav_items(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut items = vec![("/", "Forside")];
    match role {
        Role::Teacher => items.push(("/klasser", "Klasser")),
        Role::Leader | Role::WellbeingPerson => {
            items.push(("/klasser", "Klasser"));
            items.push(("/fravaer/skole", "Fravær"));
            items.push(("/fravaer/advarsler", "Advarsler"));
            items.push(("/fravaer/kvartal", "Kvartal"));
            items.push(("/moeder", "Møder"));
            items.push(("/sparring", "Sparring"));
        }
        Role::Analyst => {
            items.push(("/fravaer/kommune", "Fravær"));
            items.push(("/fravaer/kvartal", "Kvartal"));
        }
        Role::Guardian | Role::Pupil => items.push(("/boern", if role == Role::Pupil { "Mig" } else { "Mine børn" })),
        Role::Admin => items.push(("/admin/brugere", "Brugere")),
        _ => {}
    }
    if crate::tasks::owns_tasks(role) {
        if !matches!(role, Role::Leader | Role::WellbeingPerson) {
            items.push(("/moeder", "Møder"));
        }
        // The school's social worker takes part in the monthly anonymous consultation.
        if role == Role::SocialWorker {
            items.push(("/sparring", "Sparring"));
        }
        items.push(("/opgaver", "Opgaver"));
    }
    if !matches!(role, Role::Analyst | Role::Admin) {
        items.push(("/beskeder", "Beskeder"));
    }
    items
}

/// The login page; `sso` lists single sign-on buttons as (address, label).
pub fn login(demo: bool, error: Option<&str>, username: &str, sso: &[(String, String)]) -> Markup {
    page(
        "Log ind",
        None,
        "/login",
        html! {
            h1 { "Log ind" }
            @if let Some(error) = error {
                p.error role="alert" id="login-fejl" { (error) }
            }
            form.login method="post" action="/login" {
                label for="username" { "Brugernavn" }
                input id="username" name="username" type="text" autocomplete="username" required
                    value=(username) aria-describedby=[error.map(|_| "login-fejl")];
                label for="password" { "Adgangskode" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                button type="submit" { "Log ind" }
            }
            @if !sso.is_empty() {
                section aria-labelledby="sso-titel" {
                    h2 id="sso-titel" { "Log ind via kommunen" }
                    ul.links {
                        @for (href, label) in sso {
                            li { a href=(href) { "Log ind med " (label) } }
                        }
                    }
                }
            }
            @if demo {
                section.demo aria-labelledby="demo-titel" {
                    h2 id="demo-titel" { "Demo" }
                    p { "Demo-konti har adgangskoden " code { "demo" } ": admin, leder, laerer, trivsel, ppr, \
                        socialraadgiver, sundhedsplejerske, foraelder, elev og kommune." }
                }
            }
        },
    )
}

pub fn not_found() -> Response {
    let body = html! {
        h1 { "Siden findes ikke" }
        p { "Adressen findes ikke i Trivsel. " a href="/" { "Gå til forsiden" } "." }
    };
    (StatusCode::NOT_FOUND, page("Siden findes ikke", None, "", body)).into_response()
}

/// A Danish 403 page.
pub fn forbidden(reason: &str) -> Response {
    forbidden_for(None, reason)
}

/// A Danish 403 page inside the logged-in layout.
pub fn forbidden_for(user: Option<&User>, reason: &str) -> Response {
    let body = html! {
        h1 { "Adgang nægtet" }
        p { (reason) }
        p { a href="/" { "Gå til forsiden" } }
    };
    (StatusCode::FORBIDDEN, page("Adgang nægtet", user, "", body)).into_response()
}

/// A 500 page that says nothing of the cause; the cause goes to the log.
pub fn server_error(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "request failed");
    let body = html! {
        h1 { "Der opstod en fejl" }
        p { "Handlingen kunne ikke gennemføres, og intet er ændret. Prøv igen om lidt." }
    };
    (StatusCode::INTERNAL_SERVER_ERROR, page("Fejl", None, "", body)).into_response()
}
