//! The server's settings and the state every handler receives.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use maud::Markup;
use trivsel_store::{ClassCard, Store};

use crate::kit::error::PageError;
use crate::kit::menu::MenuItem;
use crate::kit::viewer::Viewer;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Demo mode: demo accounts may log in, and no second factor is asked for. Only ever on a
    /// loopback address.
    pub demo: bool,
    /// Serve the session cookie as `__Host-trivsel` with `Secure` (everywhere but plain-HTTP
    /// loopback).
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after login, however active.
    pub absolute_timeout: Duration,
    /// The address users reach the server at, for single sign-on's redirect address.
    pub public_url: String,
    /// The TLS proxy in front, if any: only from this peer is `X-Forwarded-For` believed.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Refusals within ten minutes that pause an account (`trivsel_domain::login::REFUSAL_BURST`);
    /// 0 never pauses (for tests that walk every refusal of the access policy).
    pub refusal_burst: usize,
}

impl Config {
    /// The settings of a server listening on `addr` and reached at `public_url` (default
    /// `http://ADDR`). Cookies are `Secure` with the `__Host-` prefix whenever users reach it
    /// over HTTPS (the usual deployment: loopback behind a TLS proxy) or on a public address;
    /// only plain-HTTP loopback (the demo, a developer) goes without.
    pub fn deployment(demo: bool, addr: std::net::SocketAddr, public_url: Option<&str>) -> Config {
        let public_url = public_url.map_or_else(|| format!("http://{addr}"), str::to_string);
        Config {
            demo,
            secure_cookies: !demo && (!addr.ip().is_loopback() || public_url.starts_with("https://")),
            public_url,
            ..Config::default()
        }
    }

    /// Whether users reach the server over HTTPS (then browsers are told to keep to it: HSTS).
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            demo: false,
            secure_cookies: true,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(8 * 60 * 60),
            public_url: "http://127.0.0.1:8080".into(),
            trusted_proxy: None,
            refusal_burst: trivsel_domain::login::REFUSAL_BURST,
        }
    }
}

/// What every handler gets: the store, the settings, and what the features registered (the
/// menu and the sections other pages show).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub menu: Arc<[MenuItem]>,
    pub panels: Arc<Panels>,
    /// Each account's latest refusals, to hold a burst back (`kit::refusals`).
    pub refusals: Arc<crate::kit::refusals::Refusals>,
}

/// Sections one feature shows on another feature's page (the front page's «Mine opgaver», the
/// class page's monthly review), registered by `crate::app` so that no feature imports another.
/// A panel answers `None` when it has nothing for the viewer; `kit::panels` renders them.
pub type PanelFuture<'a> = Pin<Box<dyn Future<Output = Result<Option<Markup>, PageError>> + Send + 'a>>;

/// A section of the front page.
pub type FrontPanel = for<'a> fn(&'a AppState, &'a Viewer) -> PanelFuture<'a>;

/// A section of a child's page, given the child the policy let the viewer see.
pub type ChildPanel = for<'a> fn(
    &'a AppState,
    &'a Viewer,
    &'a trivsel_domain::access::ChildContext,
    trivsel_domain::access::ChildGrant,
) -> PanelFuture<'a>;

/// A section of a class's page.
pub type ClassPanel = for<'a> fn(&'a AppState, &'a Viewer, &'a ClassCard) -> PanelFuture<'a>;

#[derive(Default)]
pub struct Panels {
    /// Front-page sections, in the order shown.
    pub front: Vec<FrontPanel>,
    /// Class-page sections, in the order shown.
    pub class: Vec<ClassPanel>,
    /// Child-page sections, in the order shown.
    pub child: Vec<ChildPanel>,
}
