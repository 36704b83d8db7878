//! Meetings (møder): Trivselsforum with its fixed members and agenda, fraværssamråd, network
//! and working meetings; participants, minutes, action plans (each action a task), closing
//! with notifications, and anonymous consultations (anonym sparring), which store no child.
//!
//! The store records. Consent for an agenda item or a meeting is checked by the caller with
//! `trivsel_domain::meetings::check_consent` on [`Store::consent_facts`]; closing is checked
//! here with `check_close`, inside the transaction that closes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use trivsel_domain::access::ChildGrant;
use trivsel_domain::cases::TaskKind;
use trivsel_domain::meetings::{
    CloseRefusal, IdentityWarning, InTimeShare, MeetingDuty, MeetingKind, MeetingStatus, Minutes, NotificationKind,
    ParticipantRole, action_plan_recipients, check_close, identity_warnings, share_held_in_time,
};

use crate::audit::{append_audit, append_audits};
use crate::{AuditEntry, CaseTarget, Result, Store, StoreError, WriteTx, with_pool};

/// The refusal when a fraværssamråd is convened from an alert that already has one.
pub const ALERT_TAKEN: &str = "Der er allerede indkaldt et fraværssamråd fra denne advarsel.";

/// A meeting to create (indkaldelse).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub institution_id: i64,
    /// Not [`MeetingKind::AnonymousConsultation`]: see [`Store::save_anonymous_consultation`].
    pub kind: MeetingKind,
    /// The child or class the meeting is about; `None` for a Trivselsforum (its agenda names
    /// the children).
    pub target: Option<CaseTarget>,
    /// Names no child.
    pub title: String,
    /// Local time in Denmark.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub location: Option<String>,
    pub convened_on: NaiveDate,
    pub convened_by: i64,
    /// The absence alert that led to a fraværssamråd.
    pub alert_id: Option<i64>,
    /// Whether the parents take part (netværksmøde, arbejdsmøde).
    pub parents_attend: bool,
    /// Invited when the meeting is convened (a Trivselsforum's fixed members come on top).
    pub invited: Vec<NewParticipant>,
    pub at: DateTime<Utc>,
}

/// A meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub municipality_id: i64,
    pub institution_id: i64,
    pub kind: MeetingKind,
    pub target: Option<CaseTarget>,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub location: Option<String>,
    pub convened_on: NaiveDate,
    pub convened_by: i64,
    pub alert_id: Option<i64>,
    pub parents_attend: bool,
    pub status: MeetingStatus,
    pub held_on: Option<NaiveDate>,
    pub minutes: Option<Minutes>,
    pub follow_up_on: Option<NaiveDate>,
    pub closed_by: Option<i64>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The invitation's SEQUENCE: how many times the meeting has been moved.
    pub sequence: u32,
}

impl Meeting {
    pub fn child_id(&self) -> Option<i64> {
        self.target.and_then(CaseTarget::child_id)
    }
}

/// A participant to add: a user, or someone without an account by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewParticipant {
    User { user_id: i64, role: ParticipantRole },
    External { name: String, role: ParticipantRole },
}

/// A participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub id: i64,
    pub user_id: Option<i64>,
    /// The user's name, or the name given for someone without an account.
    pub name: String,
    pub role: ParticipantRole,
    /// At a fraværssamråd: mødeleder, samtaleleder or referent.
    pub duty: Option<MeetingDuty>,
}

/// A fixed member of a school's Trivselsforum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForumMember {
    pub user_id: i64,
    pub name: String,
    pub role: ParticipantRole,
}

/// An agenda item to add (Trivselsforum).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgendaItem {
    pub target: CaseTarget,
    pub topic: String,
    /// Whether the parents attend for this item (else consent `trivselsforum` is needed).
    pub parents_attend: bool,
}

/// An agenda item with its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub id: i64,
    pub meeting_id: i64,
    pub target: CaseTarget,
    pub topic: String,
    pub parents_attend: bool,
    /// Who does what (empty until agreed).
    pub plan: String,
    /// How the parents are informed (empty until agreed).
    pub parents_informed: String,
}

/// An action of the action plan (handleplan) to add; it becomes a task for its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeetingAction {
    /// What is to be done; becomes the task's title, so it names no child.
    pub action: String,
    pub owner_user_id: i64,
    pub due: NaiveDate,
}

/// An action of a meeting's action plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingAction {
    pub id: i64,
    pub meeting_id: i64,
    pub action: String,
    pub owner_user_id: i64,
    pub owner_name: String,
    pub due: NaiveDate,
    pub task_id: i64,
    pub done: bool,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub user_id: i64,
    pub kind: NotificationKind,
    pub meeting_id: Option<i64>,
    pub meeting_kind: Option<MeetingKind>,
    /// The child the meeting is about, if any (where a guardian reads the action plan).
    pub child_id: Option<i64>,
    /// When the meeting begins (local time).
    pub meeting_starts_at: Option<NaiveDateTime>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// An anonymous consultation to save. There is no field for a child, by design.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnonymousConsultation {
    pub institution_id: i64,
    /// Local time in Denmark.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    /// Participants' names (staff).
    pub participants: Vec<String>,
    pub notes: String,
    /// The user has seen the identity warnings and confirmed the text.
    pub confirmed: bool,
    pub by: i64,
    pub at: DateTime<Utc>,
}

/// The outcome of [`Store::save_anonymous_consultation`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnonymousSave {
    Saved(i64),
    /// Nothing saved: the text may identify a child; edit it, or confirm and save again.
    NeedsConfirmation(Vec<IdentityWarning>),
}

/// A saved anonymous consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnonymousConsultation {
    pub id: i64,
    pub institution_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub participants: Vec<String>,
    pub notes: String,
    pub warnings_confirmed: bool,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

const MEETING_COLUMNS: &str = "id, municipality_id, institution_id, kind, child_id, class_id, title, starts_at, \
                               ends_at, location, convened_on, convened_by, alert_id, parents_attend, status, \
                               held_on, minutes_json, follow_up_on, closed_by, closed_at, created_at, sequence";

/// A meeting row as read, before its ids are decoded.
struct MeetingRow {
    id: i64,
    municipality_id: i64,
    institution_id: i64,
    kind: String,
    child_id: Option<i64>,
    class_id: Option<i64>,
    title: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    location: Option<String>,
    convened_on: NaiveDate,
    convened_by: i64,
    alert_id: Option<i64>,
    parents_attend: bool,
    status: String,
    held_on: Option<NaiveDate>,
    minutes: Option<String>,
    follow_up_on: Option<NaiveDate>,
    closed_by: Option<i64>,
    closed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    sequence: i32,
}

/// Reads a row of `SELECT {MEETING_COLUMNS}` (by position: more columns than sqlx decodes
/// into a tuple). Expands once per backend.
macro_rules! meeting_row {
    ($row:expr) => {{
        use sqlx::Row;
        let r = $row;
        MeetingRow {
            id: r.try_get(0)?,
            municipality_id: r.try_get(1)?,
            institution_id: r.try_get(2)?,
            kind: r.try_get(3)?,
            child_id: r.try_get(4)?,
            class_id: r.try_get(5)?,
            title: r.try_get(6)?,
            starts_at: r.try_get(7)?,
            ends_at: r.try_get(8)?,
            location: r.try_get(9)?,
            convened_on: r.try_get(10)?,
            convened_by: r.try_get(11)?,
            alert_id: r.try_get(12)?,
            parents_attend: r.try_get(13)?,
            status: r.try_get(14)?,
            held_on: r.try_get(15)?,
            minutes: r.try_get(16)?,
            follow_up_on: r.try_get(17)?,
            closed_by: r.try_get(18)?,
            closed_at: r.try_get(19)?,
            created_at: r.try_get(20)?,
            sequence: r.try_get(21)?,
        }
    }};
}

/// The user ids a meeting's action plan goes to: (participants with an account, guardians
/// with custody and an account of the meeting's child). `$exec` is expanded once per query.
macro_rules! recipients_query {
    ($exec:expr, $meeting_id:expr) => {{
        let participants: Vec<i64> = sqlx::query_scalar(
            "SELECT user_id FROM meeting_participants WHERE meeting_id = $1 AND user_id IS NOT NULL",
        )
        .bind($meeting_id)
        .fetch_all($exec)
        .await?;
        let guardians: Vec<i64> = sqlx::query_scalar(
            "SELECT g.user_id FROM meetings m JOIN guardianships gs ON gs.child_id = m.child_id AND gs.custody \
             JOIN guardians g ON g.id = gs.guardian_id WHERE m.id = $1 AND g.user_id IS NOT NULL",
        )
        .bind($meeting_id)
        .fetch_all($exec)
        .await?;
        (participants, guardians)
    }};
}

/// Notifies the meeting's participants with an account (only `$only_user` if it is `Some`)
/// of `$kind`; a repeated notice is marked unread again. `$tx` is a write transaction.
macro_rules! notify_participants {
    ($tx:expr, $meeting_id:expr, $kind:expr, $at:expr, $only_user:expr) => {
        sqlx::query(
            "INSERT INTO notifications (municipality_id, user_id, kind, meeting_id, created_at) \
             SELECT municipality_id, user_id, $2, meeting_id, $3 FROM meeting_participants \
             WHERE meeting_id = $1 AND user_id IS NOT NULL AND ($4 IS NULL OR user_id = $4) \
             ON CONFLICT (user_id, kind, meeting_id) DO UPDATE SET created_at = excluded.created_at, read_at = NULL",
        )
        .bind($meeting_id)
        .bind($kind.id())
        .bind($at)
        .bind($only_user)
        .execute(&mut *$tx)
        .await?
    };
}

fn decode_err(what: &str, value: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(format!("ukendt {what} «{value}»").into()))
}

fn role_of(id: &str) -> Result<ParticipantRole> {
    ParticipantRole::from_id(id).ok_or_else(|| decode_err("deltagerrolle", id))
}

fn meeting(r: MeetingRow) -> Result<Meeting> {
    Ok(Meeting {
        id: r.id,
        municipality_id: r.municipality_id,
        institution_id: r.institution_id,
        kind: MeetingKind::from_id(&r.kind).ok_or_else(|| decode_err("mødetype", &r.kind))?,
        target: CaseTarget::from_columns(r.child_id, r.class_id),
        title: r.title,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        location: r.location,
        convened_on: r.convened_on,
        convened_by: r.convened_by,
        alert_id: r.alert_id,
        parents_attend: r.parents_attend,
        status: MeetingStatus::from_id(&r.status).ok_or_else(|| decode_err("mødestatus", &r.status))?,
        held_on: r.held_on,
        minutes: r
            .minutes
            .map(|m| Minutes::from_json(&m).map_err(|e| StoreError::Db(sqlx::Error::Decode(e.into()))))
            .transpose()?,
        follow_up_on: r.follow_up_on,
        closed_by: r.closed_by,
        closed_at: r.closed_at,
        created_at: r.created_at,
        sequence: u32::try_from(r.sequence).unwrap_or(0),
    })
}

impl Store {
    /// Meetings matching `where_sql` (with `$1` bound to `arg`).
    async fn fetch_meetings(&self, where_sql: &str, arg: i64) -> Result<Vec<Meeting>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings {where_sql}");
        let rows: Vec<MeetingRow> = with_pool!(self, |pool| {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(arg).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                out.push(meeting_row!(row));
            }
            out
        });
        rows.into_iter().map(meeting).collect()
    }
}

impl Store {
    /// Sets a school's fixed Trivselsforum members (replacing the earlier list), with its audit row.
    pub async fn set_forum_members(
        &self,
        institution_id: i64,
        members: &[(i64, ParticipantRole)],
        audit: &AuditEntry,
    ) -> Result<()> {
        let m = self.institution_municipality(institution_id).await?;
        with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            sqlx::query("DELETE FROM trivselsforum_members WHERE institution_id = $1")
                .bind(institution_id)
                .execute(&mut *tx)
                .await?;
            for (user_id, role) in members {
                sqlx::query(
                    "INSERT INTO trivselsforum_members (municipality_id, institution_id, user_id, role) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (institution_id, user_id) DO UPDATE SET role = excluded.role",
                )
                .bind(m)
                .bind(institution_id)
                .bind(user_id)
                .bind(role.id())
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A school's fixed Trivselsforum members, by role and name.
    pub async fn forum_members(&self, institution_id: i64) -> Result<Vec<ForumMember>> {
        let rows: Vec<(i64, String, String)> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT f.user_id, u.name, f.role FROM trivselsforum_members f JOIN users u ON u.id = f.user_id \
                 WHERE f.institution_id = $1 ORDER BY u.name, f.user_id",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?
        });
        let mut members = rows
            .into_iter()
            .map(|(user_id, name, role)| {
                Ok(ForumMember {
                    user_id,
                    name,
                    role: role_of(&role)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        members.sort_by(|a, b| a.role.cmp(&b.role).then_with(|| a.name.cmp(&b.name)));
        Ok(members)
    }

    async fn institution_municipality(&self, institution_id: i64) -> Result<i64> {
        let m: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar("SELECT municipality_id FROM institutions WHERE id = $1")
                .bind(institution_id)
                .fetch_optional(pool)
                .await?
        });
        m.ok_or_else(|| StoreError::Config("Institutionen findes ikke.".into()))
    }

    /// Creates a meeting with its audit row. A Trivselsforum gets the school's fixed members as
    /// participants. Anonymous consultations are refused here (they store no child; see
    /// [`Store::save_anonymous_consultation`]).
    /// Convenes a meeting with its invited participants, each of whom with an account gets an
    /// invitation. Refused with [`ALERT_TAKEN`] when a fraværssamråd was already convened from
    /// the alert (a unique index holds the same under concurrent requests).
    pub async fn create_meeting(&self, new: &NewMeeting, audit: &AuditEntry) -> Result<i64> {
        if new.kind == MeetingKind::AnonymousConsultation {
            return Err(StoreError::Config(
                "Anonym sparring gemmes uden barn og mødeoplysninger; brug formularen til anonym sparring.".into(),
            ));
        }
        if new.ends_at <= new.starts_at {
            return Err(StoreError::Config("Mødet skal slutte efter det begynder.".into()));
        }
        let m = self.institution_municipality(new.institution_id).await?;
        let (child_id, class_id) = (
            new.target.and_then(CaseTarget::child_id),
            new.target.and_then(CaseTarget::class_id),
        );
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            if let Some(alert) = new.alert_id {
                let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meetings WHERE alert_id = $1")
                    .bind(alert)
                    .fetch_one(&mut *tx)
                    .await?;
                if taken > 0 {
                    tx.rollback().await?;
                    return Err(StoreError::Config(ALERT_TAKEN.into()));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meetings (municipality_id, institution_id, kind, child_id, class_id, title, starts_at, \
                 ends_at, location, convened_on, convened_by, alert_id, parents_attend, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'planned', $14) RETURNING id",
            )
            .bind(m)
            .bind(new.institution_id)
            .bind(new.kind.id())
            .bind(child_id)
            .bind(class_id)
            .bind(&new.title)
            .bind(new.starts_at)
            .bind(new.ends_at)
            .bind(&new.location)
            .bind(new.convened_on)
            .bind(new.convened_by)
            .bind(new.alert_id)
            .bind(new.parents_attend)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            if new.kind == MeetingKind::Trivselsforum {
                sqlx::query(
                    "INSERT INTO meeting_participants (municipality_id, meeting_id, user_id, role) \
                     SELECT municipality_id, $1, user_id, role FROM trivselsforum_members WHERE institution_id = $2",
                )
                .bind(id)
                .bind(new.institution_id)
                .execute(&mut *tx)
                .await?;
            }
            for p in &new.invited {
                let (user_id, name, role) = match p {
                    NewParticipant::User { user_id, role } => (Some(*user_id), None, *role),
                    NewParticipant::External { name, role } => (None, Some(name.trim()), *role),
                };
                sqlx::query(
                    "INSERT INTO meeting_participants (municipality_id, meeting_id, user_id, role, external_name) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(m)
                .bind(id)
                .bind(user_id)
                .bind(role.id())
                .bind(name)
                .execute(&mut *tx)
                .await?;
            }
            crate::meeting_duties::fill_duties_in!(tx, id);
            notify_participants!(tx, id, NotificationKind::Invitation, new.at, None::<i64>);
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    pub async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        Ok(self.fetch_meetings("WHERE id = $1", id).await?.into_iter().next())
    }

    /// The fraværssamråd convened from an absence alert, if any.
    pub async fn meeting_of_alert(&self, alert_id: i64) -> Result<Option<Meeting>> {
        Ok(self
            .fetch_meetings("WHERE alert_id = $1", alert_id)
            .await?
            .into_iter()
            .next())
    }

    /// An institution's meetings, newest first; of one kind if given.
    pub async fn meetings_of_institution(
        &self,
        institution_id: i64,
        kind: Option<MeetingKind>,
    ) -> Result<Vec<Meeting>> {
        let all = self
            .fetch_meetings(
                "WHERE institution_id = $1 ORDER BY starts_at DESC, id DESC",
                institution_id,
            )
            .await?;
        Ok(all.into_iter().filter(|m| kind.is_none_or(|k| m.kind == k)).collect())
    }

    /// Meetings about a child: those naming it and Trivselsforum meetings with it on the
    /// agenda, newest first.
    pub async fn meetings_of_child(&self, child: ChildGrant) -> Result<Vec<Meeting>> {
        let child_id = child.child_id();
        let condition = format!(
            "WHERE (child_id = $1 OR id IN (SELECT meeting_id FROM agenda_items WHERE child_id = $1)) AND {} \
             ORDER BY starts_at DESC, id DESC",
            crate::cases::in_scope(child.scope(), "institution_id")
        );
        self.fetch_meetings(&condition, child_id).await
    }

    /// Meetings a user takes part in, newest first.
    pub async fn meetings_of_participant(&self, user_id: i64) -> Result<Vec<Meeting>> {
        self.fetch_meetings(
            "WHERE id IN (SELECT meeting_id FROM meeting_participants WHERE user_id = $1) \
             ORDER BY starts_at DESC, id DESC",
            user_id,
        )
        .await
    }

    /// Moves a meeting that is not held yet to a new time and place, raising its invitation's
    /// SEQUENCE, with its audit row. Returns false, writing nothing, if the meeting is unknown,
    /// held or closed.
    pub async fn reschedule_meeting(
        &self,
        meeting_id: i64,
        starts_at: NaiveDateTime,
        ends_at: NaiveDateTime,
        location: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        if ends_at <= starts_at {
            return Err(StoreError::Config("Mødet skal slutte efter det begynder.".into()));
        }
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let n = sqlx::query(
                "UPDATE meetings SET starts_at = $2, ends_at = $3, location = $4, sequence = sequence + 1 \
                 WHERE id = $1 AND status = 'planned'",
            )
            .bind(meeting_id)
            .bind(starts_at)
            .bind(ends_at)
            .bind(location)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            notify_participants!(tx, meeting_id, NotificationKind::Moved, Utc::now(), None::<i64>);
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// Adds a participant with its audit row. Refused for a closed meeting; a user already
    /// taking part is refused too.
    pub async fn add_participant(&self, meeting_id: i64, p: &NewParticipant, audit: &AuditEntry) -> Result<i64> {
        let (user_id, name, role) = match p {
            NewParticipant::User { user_id, role } => (Some(*user_id), None, *role),
            NewParticipant::External { name, role } => {
                let name = name.trim();
                if name.is_empty() {
                    return Err(StoreError::Config("Skriv deltagerens navn.".into()));
                }
                (None, Some(name.to_string()), *role)
            }
        };
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            if let Some(user_id) = user_id {
                let already: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM meeting_participants WHERE meeting_id = $1 AND user_id = $2",
                )
                .bind(meeting_id)
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
                if already > 0 {
                    tx.rollback().await?;
                    return Err(StoreError::Config("Personen deltager allerede i mødet.".into()));
                }
            }
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO meeting_participants (municipality_id, meeting_id, user_id, role, external_name) \
                 SELECT municipality_id, id, $2, $3, $4 FROM meetings WHERE id = $1 AND status <> 'closed' RETURNING id",
            )
            .bind(meeting_id)
            .bind(user_id)
            .bind(role.id())
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Mødet findes ikke eller er afsluttet; deltagere kan ikke tilføjes.".into(),
                ));
            };
            crate::meeting_duties::fill_duties_in!(tx, meeting_id);
            if user_id.is_some() {
                notify_participants!(tx, meeting_id, NotificationKind::Invitation, Utc::now(), user_id);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Removes a participant added by mistake, with its audit row. Returns false, writing
    /// nothing, if the participant is not the meeting's or the meeting is closed.
    pub async fn remove_participant(&self, meeting_id: i64, participant_id: i64, audit: &AuditEntry) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let removed: Option<Option<i64>> = sqlx::query_scalar(
                "DELETE FROM meeting_participants WHERE id = $1 AND meeting_id = $2 \
                 AND meeting_id IN (SELECT id FROM meetings WHERE status <> 'closed') RETURNING user_id",
            )
            .bind(participant_id)
            .bind(meeting_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(user_id) = removed else {
                tx.rollback().await?;
                return Ok(false);
            };
            crate::meeting_duties::fill_duties_in!(tx, meeting_id);
            // The invitation no longer holds: its notices go too.
            sqlx::query("DELETE FROM notifications WHERE meeting_id = $1 AND user_id = $2 AND kind <> $3")
                .bind(meeting_id)
                .bind(user_id)
                .bind(NotificationKind::ActionPlan.id())
                .execute(&mut *tx)
                .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// A meeting's participants, by role and name.
    pub async fn participants(&self, meeting_id: i64) -> Result<Vec<Participant>> {
        type Row = (i64, Option<i64>, String, String, Option<String>);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT p.id, p.user_id, COALESCE(u.name, p.external_name, ''), p.role, p.duty \
                 FROM meeting_participants p \
                 LEFT JOIN users u ON u.id = p.user_id WHERE p.meeting_id = $1 ORDER BY p.id",
            )
            .bind(meeting_id)
            .fetch_all(pool)
            .await?
        });
        let mut out = rows
            .into_iter()
            .map(|(id, user_id, name, role, duty)| {
                Ok(Participant {
                    id,
                    user_id,
                    name,
                    role: role_of(&role)?,
                    duty: duty.as_deref().and_then(MeetingDuty::from_id),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| a.role.cmp(&b.role).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Adds an agenda item (Trivselsforum) with its audit row. The store does not check
    /// consent: ask `check_consent(ConsentAction::TrivselsforumAgendaItem { parents_attend },
    /// &store.consent_facts(child).await?, today)` first.
    pub async fn add_agenda_item(&self, meeting_id: i64, item: &NewAgendaItem, audit: &AuditEntry) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO agenda_items (municipality_id, meeting_id, child_id, class_id, topic, parents_attend, \
                 plan, parents_informed) SELECT municipality_id, id, $2, $3, $4, $5, '', '' FROM meetings \
                 WHERE id = $1 AND status <> 'closed' RETURNING id",
            )
            .bind(meeting_id)
            .bind(item.target.child_id())
            .bind(item.target.class_id())
            .bind(&item.topic)
            .bind(item.parents_attend)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Mødet findes ikke eller er afsluttet; punkter kan ikke tilføjes.".into(),
                ));
            };
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// Records an agenda item's outcome: the plan (who does what) and how the parents are
    /// informed, with its audit row. Returns false if the item is unknown.
    pub async fn record_agenda_outcome(
        &self,
        item_id: i64,
        plan: &str,
        parents_informed: &str,
        audit: &AuditEntry,
    ) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let n = sqlx::query("UPDATE agenda_items SET plan = $2, parents_informed = $3 WHERE id = $1")
                .bind(item_id)
                .bind(plan)
                .bind(parents_informed)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// A meeting's agenda, in the order added.
    pub async fn agenda_items(&self, meeting_id: i64) -> Result<Vec<AgendaItem>> {
        type Row = (i64, i64, Option<i64>, Option<i64>, String, bool, String, String);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, meeting_id, child_id, class_id, topic, parents_attend, plan, parents_informed \
                 FROM agenda_items WHERE meeting_id = $1 ORDER BY id",
            )
            .bind(meeting_id)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, meeting_id, child, class, topic, parents_attend, plan, parents_informed)| {
                    Ok(AgendaItem {
                        id,
                        meeting_id,
                        target: CaseTarget::from_columns(child, class)
                            .ok_or_else(|| decode_err("dagsordenspunkt", &id.to_string()))?,
                        topic,
                        parents_attend,
                        plan,
                        parents_informed,
                    })
                },
            )
            .collect()
    }

    /// Records the minutes and the date the meeting was held (status «held»), with its audit
    /// row. Returns false, writing nothing, if the meeting is unknown or closed.
    pub async fn record_minutes(
        &self,
        meeting_id: i64,
        held_on: NaiveDate,
        minutes: &Minutes,
        audit: &AuditEntry,
    ) -> Result<bool> {
        let json = minutes.to_json();
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let n = sqlx::query(
                "UPDATE meetings SET held_on = $2, minutes_json = $3, status = 'held' \
                 WHERE id = $1 AND status <> 'closed'",
            )
            .bind(meeting_id)
            .bind(held_on)
            .bind(&json)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            append_audit!(tx, audit);
            tx.commit().await?;
            true
        }))
    }

    /// Adds an action to the meeting's action plan and a task (kind `opfoelgning`) for its owner
    /// at the meeting's institution, linked to the meeting's child, with its audit row, in one
    /// transaction. Refused for a closed meeting.
    pub async fn add_action(
        &self,
        meeting_id: i64,
        action: &NewMeetingAction,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<i64> {
        let text = action.action.trim();
        if text.is_empty() {
            return Err(StoreError::Config("Beskriv handlingen.".into()));
        }
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            // The same row as `Store::add_task` writes.
            let task: Option<(i64, i64)> = sqlx::query_as(
                "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, child_id, \
                 plan_id, created_at) SELECT municipality_id, institution_id, $2, $3, $4, $5, child_id, NULL, $6 \
                 FROM meetings WHERE id = $1 AND status <> 'closed' RETURNING id, municipality_id",
            )
            .bind(meeting_id)
            .bind(action.owner_user_id)
            .bind(TaskKind::FollowUp.id())
            .bind(action.due)
            .bind(text)
            .bind(at)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((task_id, m)) = task else {
                tx.rollback().await?;
                return Err(StoreError::Config(
                    "Mødet findes ikke eller er afsluttet; handleplanen kan ikke ændres.".into(),
                ));
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meeting_actions (municipality_id, meeting_id, action, owner_user_id, due_date, task_id) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(m)
            .bind(meeting_id)
            .bind(text)
            .bind(action.owner_user_id)
            .bind(action.due)
            .bind(task_id)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            id
        }))
    }

    /// A meeting's action plan, by due date.
    pub async fn meeting_actions(&self, meeting_id: i64) -> Result<Vec<MeetingAction>> {
        type Row = (i64, i64, String, i64, String, NaiveDate, i64, bool);
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT a.id, a.meeting_id, a.action, a.owner_user_id, u.name, a.due_date, a.task_id, \
                 t.done_at IS NOT NULL FROM meeting_actions a JOIN users u ON u.id = a.owner_user_id \
                 JOIN tasks t ON t.id = a.task_id WHERE a.meeting_id = $1 ORDER BY a.due_date, a.id",
            )
            .bind(meeting_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, meeting_id, action, owner_user_id, owner_name, due, task_id, done)| MeetingAction {
                    id,
                    meeting_id,
                    action,
                    owner_user_id,
                    owner_name,
                    due,
                    task_id,
                    done,
                },
            )
            .collect())
    }

    /// Who would receive the meeting's action plan now: the participants with an account and
    /// the guardians (with custody and an account) of the meeting's child.
    pub async fn action_plan_recipients(&self, meeting_id: i64) -> Result<Vec<i64>> {
        let (participants, guardians) = with_pool!(self, |pool| recipients_query!(pool, meeting_id));
        Ok(action_plan_recipients(participants, guardians))
    }

    /// Closes a meeting: checks `check_close` (a fraværssamråd needs a follow-up date after the
    /// meeting date), stores the follow-up date with a task for the closer on it, and sends
    /// the action plan as a notification
    /// to exactly the participants with an account and the child's guardians, all with the
    /// audit rows in one transaction. Returns the recipients, or the refusal (nothing written).
    pub async fn close_meeting(
        &self,
        meeting_id: i64,
        follow_up_on: Option<NaiveDate>,
        by: i64,
        at: DateTime<Utc>,
        audits: &[AuditEntry],
    ) -> Result<Result<Vec<i64>, CloseRefusal>> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let row: Option<(i64, String, String, Option<NaiveDate>)> =
                sqlx::query_as("SELECT municipality_id, kind, status, held_on FROM meetings WHERE id = $1")
                    .bind(meeting_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((m, kind, status, held_on)) = row else {
                tx.rollback().await?;
                return Err(StoreError::Config("Mødet findes ikke.".into()));
            };
            let kind = MeetingKind::from_id(&kind).ok_or_else(|| decode_err("mødetype", &kind))?;
            let status = MeetingStatus::from_id(&status).ok_or_else(|| decode_err("mødestatus", &status))?;
            if let Err(refusal) = check_close(kind, status, held_on, follow_up_on) {
                tx.rollback().await?;
                return Ok(Err(refusal));
            }
            let closed = sqlx::query(
                "UPDATE meetings SET status = 'closed', follow_up_on = $2, closed_by = $3, closed_at = $4 \
                 WHERE id = $1 AND status <> 'closed'",
            )
            .bind(meeting_id)
            .bind(follow_up_on)
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if closed == 0 {
                tx.rollback().await?;
                return Ok(Err(CloseRefusal::AlreadyClosed));
            }
            // The follow-up meeting is the closer's task on its date (the same row as
            // `Store::add_task` writes), so it stays on «Mine opgaver» until done, overdue after.
            if let Some(due) = follow_up_on {
                sqlx::query(
                    "INSERT INTO tasks (municipality_id, institution_id, owner_user_id, kind, due_date, title, child_id, \
                     plan_id, created_at) SELECT municipality_id, institution_id, $2, $3, $4, $5, child_id, NULL, $6 \
                     FROM meetings WHERE id = $1",
                )
                .bind(meeting_id)
                .bind(by)
                .bind(TaskKind::FollowUp.id())
                .bind(due)
                .bind(format!("Hold opfølgningsmødet efter {}", kind.navn().to_lowercase()))
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            let (participants, guardians) = recipients_query!(&mut *tx, meeting_id);
            let recipients = action_plan_recipients(participants, guardians);
            for user_id in &recipients {
                sqlx::query(
                    "INSERT INTO notifications (municipality_id, user_id, kind, meeting_id, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, kind, meeting_id) DO NOTHING",
                )
                .bind(m)
                .bind(user_id)
                .bind(NotificationKind::ActionPlan.id())
                .bind(meeting_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            append_audits!(tx, audits);
            tx.commit().await?;
            Ok(recipients)
        }))
    }

    /// The user's notifications, newest first; unread only if asked.
    pub async fn notifications_of_user(&self, user_id: i64, unread_only: bool) -> Result<Vec<Notification>> {
        type Row = (
            i64,
            i64,
            String,
            Option<i64>,
            Option<String>,
            Option<i64>,
            Option<NaiveDateTime>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT n.id, n.user_id, n.kind, n.meeting_id, m.kind, m.child_id, m.starts_at, n.created_at, n.read_at \
                 FROM notifications n \
                 LEFT JOIN meetings m ON m.id = n.meeting_id WHERE n.user_id = $1 AND (NOT $2 OR n.read_at IS NULL) \
                 ORDER BY n.created_at DESC, n.id DESC",
            )
            .bind(user_id)
            .bind(unread_only)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, user_id, kind, meeting_id, meeting_kind, child_id, meeting_starts_at, created_at, read_at)| {
                    Ok(Notification {
                        id,
                        user_id,
                        kind: NotificationKind::from_id(&kind).ok_or_else(|| decode_err("notifikation", &kind))?,
                        meeting_id,
                        meeting_kind: meeting_kind
                            .map(|k| MeetingKind::from_id(&k).ok_or_else(|| decode_err("mødetype", &k)))
                            .transpose()?,
                        child_id,
                        meeting_starts_at,
                        created_at,
                        read_at,
                    })
                },
            )
            .collect()
    }

    /// Marks the user's own notification read. Returns false if it is not the user's, or read.
    pub async fn mark_notification_read(&self, id: i64, user_id: i64, at: DateTime<Utc>) -> Result<bool> {
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let n =
                sqlx::query("UPDATE notifications SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL")
                    .bind(id)
                    .bind(user_id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            tx.commit().await?;
            n > 0
        }))
    }

    /// The share of the institution's fraværssamråd held within 7 working days, on `today`
    /// (councils still within their deadline are not counted yet).
    pub async fn samraad_share_in_time(&self, institution_id: i64, today: NaiveDate) -> Result<InTimeShare> {
        let rows: Vec<(NaiveDate, Option<NaiveDate>)> = with_pool!(self, |pool| {
            sqlx::query_as("SELECT convened_on, held_on FROM meetings WHERE institution_id = $1 AND kind = $2")
                .bind(institution_id)
                .bind(MeetingKind::AbsenceCouncil.id())
                .fetch_all(pool)
                .await?
        });
        Ok(share_held_in_time(&rows, today))
    }

    /// (Given name, family name) of the children enrolled at the institution on `on`: what
    /// `identity_warnings` checks an anonymous consultation's text against.
    pub async fn enrolled_names(&self, institution_id: i64, on: NaiveDate) -> Result<Vec<(String, String)>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT DISTINCT ch.given_name, ch.family_name FROM enrolments e JOIN classes c ON c.id = e.class_id \
                 JOIN children ch ON ch.id = e.child_id WHERE c.institution_id = $1 AND e.enrolled_from <= $2 \
                 AND (e.enrolled_to IS NULL OR e.enrolled_to >= $2) ORDER BY ch.given_name, ch.family_name",
            )
            .bind(institution_id)
            .bind(on)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Saves an anonymous consultation with its audit row (which must name no child). The
    /// notes and participants are checked against CPR-like numbers and the names of the
    /// children enrolled at the institution on the meeting day; if anything is found and the
    /// user has not confirmed, nothing is saved and the warnings are returned.
    pub async fn save_anonymous_consultation(
        &self,
        new: &NewAnonymousConsultation,
        audit: &AuditEntry,
    ) -> Result<AnonymousSave> {
        if audit.child_id.is_some() {
            return Err(StoreError::Config(
                "Anonym sparring må ikke knyttes til et barn.".into(),
            ));
        }
        if new.ends_at <= new.starts_at {
            return Err(StoreError::Config("Mødet skal slutte efter det begynder.".into()));
        }
        let m = self.institution_municipality(new.institution_id).await?;
        let participants: Vec<String> = new
            .participants
            .iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let enrolled = self.enrolled_names(new.institution_id, new.starts_at.date()).await?;
        let warnings = identity_warnings(&format!("{}\n{}", new.notes, participants.join("\n")), &enrolled);
        if !warnings.is_empty() && !new.confirmed {
            return Ok(AnonymousSave::NeedsConfirmation(warnings));
        }
        Ok(with_pool!(self, |pool| {
            let mut tx = pool.begin_write(self).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO anonymous_consultations (municipality_id, institution_id, starts_at, ends_at, \
                 participants, notes, warnings_confirmed, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(m)
            .bind(new.institution_id)
            .bind(new.starts_at)
            .bind(new.ends_at)
            .bind(participants.join("\n"))
            .bind(&new.notes)
            .bind(!warnings.is_empty())
            .bind(new.by)
            .bind(new.at)
            .fetch_one(&mut *tx)
            .await?;
            append_audit!(tx, audit);
            tx.commit().await?;
            AnonymousSave::Saved(id)
        }))
    }

    /// An institution's anonymous consultations, newest first.
    pub async fn anonymous_consultations(&self, institution_id: i64) -> Result<Vec<AnonymousConsultation>> {
        type Row = (
            i64,
            i64,
            NaiveDateTime,
            NaiveDateTime,
            String,
            String,
            bool,
            i64,
            DateTime<Utc>,
        );
        let rows: Vec<Row> = with_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id, institution_id, starts_at, ends_at, participants, notes, warnings_confirmed, created_by, \
                 created_at FROM anonymous_consultations WHERE institution_id = $1 ORDER BY starts_at DESC, id DESC",
            )
            .bind(institution_id)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    institution_id,
                    starts_at,
                    ends_at,
                    participants,
                    notes,
                    warnings_confirmed,
                    created_by,
                    created_at,
                )| {
                    AnonymousConsultation {
                        id,
                        institution_id,
                        starts_at,
                        ends_at,
                        participants: participants.lines().map(str::to_string).collect(),
                        notes,
                        warnings_confirmed,
                        created_by,
                        created_at,
                    }
                },
            )
            .collect())
    }
}
