//! Fraværssamrådets funktioner (`trivsel_domain::meetings::MeetingDuty`): kept filled in from
//! the participant list in the transaction that changes it, and moved by hand.

use trivsel_domain::meetings::{MeetingDuty, MeetingKind};

use crate::audit::append_audit;
use crate::{AuditEntry, Result, Store, StoreError, WriteTx, with_pool};

/// Inside a write transaction `$tx` that changed the participants of meeting `$meeting`: for a
/// fraværssamråd, gives each duty nobody holds to the first eligible participant without one
/// (`trivsel_domain::meetings::fill_duties`).
macro_rules! fill_duties_in {
    ($tx:expr, $meeting:expr) => {{
        let meeting_id: i64 = $meeting;
        let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM meetings WHERE id = $1")
            .bind(meeting_id)
            .fetch_optional(&mut *$tx)
            .await?;
        if kind.as_deref() == Some(trivsel_domain::meetings::MeetingKind::AbsenceCouncil.id()) {
            let rows: Vec<(i64, String, Option<String>)> =
                sqlx::query_as("SELECT id, role, duty FROM meeting_participants WHERE meeting_id = $1 ORDER BY id")
                    .bind(meeting_id)
                    .fetch_all(&mut *$tx)
                    .await?;
            let people: Vec<_> = rows
                .iter()
                .map(|(_, role, duty)| {
                    (
                        trivsel_domain::meetings::ParticipantRole::from_id(role)
                            .unwrap_or(trivsel_domain::meetings::ParticipantRole::Other),
                        duty.as_deref().and_then(trivsel_domain::meetings::MeetingDuty::from_id),
                    )
                })
                .collect();
            let filled = trivsel_domain::meetings::fill_duties(&people);
            for ((id, ..), (person, duty)) in rows.iter().zip(people.iter().zip(filled)) {
                if person.1 != duty {
                    sqlx::query("UPDATE meeting_participants SET duty = $1 WHERE id = $2")
                        .bind(duty.map(|d| d.id()))
                        .bind(*id)
                        .execute(&mut *$tx)
                        .await?;
                }
            }
        }
    }};
}
pub(crate) use fill_duties_in;

impl Store {
    /// Gives a participant of an open fraværssamråd a duty (taking it from whoever held it) or
    /// none, with its audit row. Refused, writing nothing, if the participant's role does not
    /// hold that duty, or the meeting is closed or not a samråd.
    pub async fn set_duty(
        &self,
        meeting_id: i64,
        participant_id: i64,
        duty: Option<MeetingDuty>,
        audit: &AuditEntry,
    ) -> Result<()> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let role: Option<String> = sqlx::query_scalar(
                "SELECT p.role FROM meeting_participants p JOIN meetings m ON m.id = p.meeting_id \
                 WHERE p.id = $1 AND p.meeting_id = $2 AND m.status <> 'closed' AND m.kind = $3",
            )
            .bind(participant_id)
            .bind(meeting_id)
            .bind(MeetingKind::AbsenceCouncil.id())
            .fetch_optional(&mut *tx)
            .await?;
            let refusal = match (&role, duty) {
                (None, _) => Some("Deltageren findes ikke på et åbent fraværssamråd.".to_string()),
                (Some(role), Some(d)) if role != d.held_by().id() => Some(format!(
                    "{} varetages af en {}.",
                    d.navn(),
                    d.held_by().navn().to_lowercase()
                )),
                _ => None,
            };
            if let Some(message) = refusal {
                tx.rollback().await?;
                return Err(StoreError::Config(message));
            }
            if let Some(d) = duty {
                sqlx::query("UPDATE meeting_participants SET duty = NULL WHERE meeting_id = $1 AND duty = $2")
                    .bind(meeting_id)
                    .bind(d.id())
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("UPDATE meeting_participants SET duty = $1 WHERE id = $2")
                .bind(duty.map(|d| d.id()))
                .bind(participant_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }
}
