//! Who is asking: the logged-in user, the relationships that give access, the client's address
//! for the audit log, and the menu to show. `session` makes one from the request's cookie.

use std::sync::Arc;

use trivsel_domain::access::Actor;
use trivsel_domain::model::InstitutionKind;
use trivsel_store::User;

use crate::kit::menu::MenuItem;

/// A logged-in user (second factor done) with the relationships that give access, and the
/// client's address for the audit log. Anyone else is sent to log in.
pub struct Viewer {
    pub user: User,
    pub actor: Actor,
    pub address: String,
    /// The kind of the viewer's institution (a daycare's staff see «Stuer», not «Klasser»).
    pub institution_kind: Option<InstitutionKind>,
    /// The menu the page shell shows (registered by the features).
    pub menu: Arc<[MenuItem]>,
}
