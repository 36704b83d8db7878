//! The kernel of the web crate: what every page needs and no feature owns. Nothing in here
//! imports a feature; features import the kernel, the domain and the store, never each other
//! (`tests/web/structure.rs` checks both).
//!
//! * `state` – settings, the handler state and the panel types; `viewer` – who is asking;
//!   `session` – cookies and the extractors (`Viewer`, `MaybeSession`, `Pending`);
//! * `access` – the one access check (`authorize`, `authorize_resource`, `decide`) and the
//!   audit rows it writes; `error` – `PageError`, so handlers use `?`;
//! * `shell` – the page shell; `menu` and `panels` – what features register for it and for
//!   each other's pages; `links` – addresses of other features' pages;
//! * `form` – fields and accessible validation errors; `format` – Danish formats; `clock`;
//! * `chart` – server-side SVG; `csv` – exports safe to open in a spreadsheet; `security` – headers and cross-site refusal; `assets`;
//!   `password` – hashing and the password policy (login, administration and the CLI).

pub mod access;
pub mod assets;
pub mod chart;
pub mod clock;
pub mod error;
pub mod form;
pub mod format;
pub mod links;
pub mod menu;
pub mod panels;
pub mod password;
pub mod refusals;
pub mod security;
pub mod session;
pub mod shell;
pub mod state;
pub mod viewer;

pub use error::{Page, PageError};
pub use session::Viewer;
pub use state::{AppState, Config};
