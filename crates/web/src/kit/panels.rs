//! Sections one feature shows on another feature's page (the front page's «Mine opgaver», the
//! class page's monthly review), registered by `crate::app` so that no feature imports another.
//! A panel answers `None` when it has nothing for the viewer.

use maud::Markup;
use trivsel_domain::access::{ChildContext, ChildGrant};
use trivsel_store::ClassCard;

use crate::kit::error::PageError;
use crate::kit::state::AppState;
pub use crate::kit::state::PanelFuture;
use crate::kit::viewer::Viewer;

/// Renders every front-page panel for the viewer, in order, skipping the empty ones.
pub async fn front(state: &AppState, viewer: &Viewer) -> Result<Vec<Markup>, PageError> {
    let mut out = Vec::new();
    for panel in &state.panels.front {
        out.extend(panel(state, viewer).await?);
    }
    Ok(out)
}

/// Renders every class-page panel for the viewer, in order, skipping the empty ones.
pub async fn class(state: &AppState, viewer: &Viewer, card: &ClassCard) -> Result<Vec<Markup>, PageError> {
    let mut out = Vec::new();
    for panel in &state.panels.class {
        out.extend(panel(state, viewer, card).await?);
    }
    Ok(out)
}

/// Renders every child-page panel for the viewer, in order, skipping the empty ones.
pub async fn child(
    state: &AppState,
    viewer: &Viewer,
    context: &ChildContext,
    grant: ChildGrant,
) -> Result<Vec<Markup>, PageError> {
    let mut out = Vec::new();
    for panel in &state.panels.child {
        out.extend(panel(state, viewer, context, grant).await?);
    }
    Ok(out)
}
