//! The Danish page shell shared by every page. Accessible by design: one `main` landmark, a
//! skip link, the current menu entry marked for screen readers.

use maud::{DOCTYPE, Markup, html};

use crate::kit::menu;
use crate::kit::viewer::Viewer;

/// One page: `title` is the page's own name, shown first in the browser tab.
pub fn page(title: &str, viewer: Option<&Viewer>, current: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="da" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – Trivsel" }
                link rel="stylesheet" href="/static/trivsel.css";
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                script src="/static/trivsel.js" defer {}
            }
            body {
                a.skip href="#indhold" { "Spring til indhold" }
                header.top {
                    a.brand href="/" { "Trivsel" }
                    @if let Some(viewer) = viewer {
                        @let user = &viewer.user;
                        nav aria-label="Hovedmenu" {
                            ul {
                                @for item in menu::entries(&viewer.menu, user.role, viewer.institution_kind) {
                                    @let (href, label) = (item.href, item.label_for(viewer.institution_kind));
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
                            span { (user.name) " · " (user.role.navn_at(viewer.institution_kind)) }
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
