//! The main menu as data. Each feature lists its entries (`MENU`); `crate::app` collects them,
//! and the page shell shows a role the entries meant for it, ordered by `order`.

use trivsel_domain::model::{InstitutionKind, Role};

#[derive(Debug, Clone, Copy)]
pub struct MenuItem {
    /// Position in the menu: lower comes first («Forside» is 0).
    pub order: u16,
    pub href: &'static str,
    pub label: &'static str,
    /// The label for a daycare's staff, where a school word would be wrong («Stuer»).
    pub daycare_label: Option<&'static str>,
    /// Not shown to a daycare's staff: the school-day pages (absence, alerts, the quarter).
    pub school_only: bool,
    /// Shown only to a daycare's staff (the learning groups).
    pub daycare_only: bool,
    /// Which roles see the entry.
    pub shown: fn(Role) -> bool,
}

impl MenuItem {
    /// The label for a viewer at an institution of `kind`.
    pub fn label_for(&self, kind: Option<InstitutionKind>) -> &'static str {
        match (kind, self.daycare_label) {
            (Some(InstitutionKind::Daycare), Some(label)) => label,
            _ => self.label,
        }
    }
}

/// The entries `role` at an institution of `kind` sees, in menu order.
pub fn entries(menu: &[MenuItem], role: Role, kind: Option<InstitutionKind>) -> Vec<&MenuItem> {
    let at_daycare = kind == Some(InstitutionKind::Daycare);
    let mut items: Vec<&MenuItem> = menu
        .iter()
        .filter(|m| (m.shown)(role) && !(at_daycare && m.school_only) && (at_daycare || !m.daycare_only))
        .collect();
    items.sort_by_key(|m| m.order);
    items
}
