//! Opgaver (tasks) with deadlines: evaluations and actions from plans, follow-ups from meetings.

use chrono::NaiveDate;

use super::{PlanContent, stored_enum};
use crate::model::Role;

/// Roles that own tasks (opgaver): staff who work with children. They have «Mine opgaver» and
/// take part in meetings.
pub fn owns_tasks(role: Role) -> bool {
    role.works_with_children()
}

stored_enum! {
    /// Kind of task (opgavetype).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum TaskKind {
        /// Evaluering af en plan (evaluation on a plan's evaluation date).
        Evaluation = ("evaluering", "Evaluering"),
        /// Et tiltag i en plan, for den ansvarlige (an action of a plan).
        Action = ("tiltag", "Tiltag"),
        /// Opfølgning, fx efter en klassekonference (follow-up).
        FollowUp = ("opfoelgning", "Opfølgning"),
    }
}

impl TaskKind {
    /// What a calendar entry says: the kind of task only, never a child's name.
    pub fn feed_label(self) -> &'static str {
        match self {
            Self::Evaluation => "Evaluering af mål- og indsatsplan",
            Self::Action => "Tiltag i mål- og indsatsplan",
            Self::FollowUp => "Opfølgning",
        }
    }
}

/// A task is overdue (overskredet) when it is not done and its due date has passed; a task due
/// today is not overdue yet.
pub fn is_overdue(due: NaiveDate, done: bool, today: NaiveDate) -> bool {
    !done && due < today
}

/// A task a plan gives rise to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    pub kind: TaskKind,
    pub owner_user_id: i64,
    pub due: NaiveDate,
    pub title: String,
}

/// The tasks of a plan's content: one evaluation task per evaluation date for `evaluator` (the
/// plan's creator), and one action task per action with a responsible user, due on the
/// action's last day. Sorted by due date; duplicates removed.
pub fn plan_tasks(content: &PlanContent, evaluator: i64) -> Vec<PlannedTask> {
    let mut tasks: Vec<PlannedTask> = content
        .evaluation_dates
        .iter()
        .map(|due| PlannedTask {
            kind: TaskKind::Evaluation,
            owner_user_id: evaluator,
            due: *due,
            title: "Evaluering af mål- og indsatsplan".into(),
        })
        .collect();
    for a in &content.actions {
        if let Some(owner) = a.responsible_user_id {
            let what: String = a.what.trim().chars().take(80).collect();
            tasks.push(PlannedTask {
                kind: TaskKind::Action,
                owner_user_id: owner,
                due: a.to,
                title: format!("Tiltag: {what}"),
            });
        }
    }
    tasks.sort_by(|a, b| {
        (a.due, a.kind.id(), a.owner_user_id, &a.title).cmp(&(b.due, b.kind.id(), b.owner_user_id, &b.title))
    });
    tasks.dedup();
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::PlanAction;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn overdue_after_the_due_date_unless_done() {
        let due = d("2026-03-10");
        assert!(!is_overdue(due, false, d("2026-03-10")), "due today is not overdue");
        assert!(is_overdue(due, false, d("2026-03-11")));
        assert!(!is_overdue(due, true, d("2026-03-11")));
    }

    #[test]
    fn a_plan_gives_evaluation_and_action_tasks() {
        let action = |what: &str, user, to| PlanAction {
            what: what.into(),
            responsible_user_id: user,
            responsible_name: "x".into(),
            from: d("2026-03-01"),
            to: d(to),
        };
        let content = PlanContent {
            goals: "g".into(),
            actions: vec![
                action("Legegrupper", Some(5), "2026-04-01"),
                action("Mor taler med Ida", None, "2026-04-02"),
            ],
            evaluation_dates: vec![d("2026-05-01"), d("2026-03-15")],
            ..PlanContent::default()
        };
        let tasks = plan_tasks(&content, 9);
        let got: Vec<(TaskKind, i64, NaiveDate)> = tasks.iter().map(|t| (t.kind, t.owner_user_id, t.due)).collect();
        assert_eq!(
            got,
            [
                (TaskKind::Evaluation, 9, d("2026-03-15")),
                (TaskKind::Action, 5, d("2026-04-01")),
                (TaskKind::Evaluation, 9, d("2026-05-01")),
            ]
        );
        assert_eq!(tasks[1].title, "Tiltag: Legegrupper");
        assert_eq!(TaskKind::from_id("opfoelgning"), Some(TaskKind::FollowUp));
        assert_eq!(TaskKind::FollowUp.navn(), "Opfølgning");
    }
}
