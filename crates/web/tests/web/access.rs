//! Access control and audit: the authorization matrix over every route, a property test against
//! the pure policy, and the audit rows that reads and refusals leave.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use trivsel_domain::access::{Action, ChildData, Resource, can};
use trivsel_domain::meetings::ConsentScope;
use trivsel_domain::model::Role;
use trivsel_store::UserUpdate;

use crate::helpers::*;

/// Columns: anonymous, then Role::ALL in order (laerer, trivselsperson, skoleleder, ppr,
/// socialraadgiver, sundhedsplejerske, ssp, familieraadgiver, foraelder, elev, analytiker, admin,
/// fravaerssagsbehandler). A cell with
/// several numbers is one status per target: children and classes X1 (own class/own child),
/// X2 (other class/other child), Y1 (other school), Z1 (other municipality); users in the own
/// and another municipality; static files that exist and do not.
const MATRIX: &[(&str, [&str; 14])] = &[
    (
        "GET /",
        [
            "303", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200",
        ],
    ),
    (
        "GET /healthz",
        [
            "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200",
        ],
    ),
    (
        "GET /static/{file}",
        [
            "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404", "200 404",
        ],
    ),
    (
        "GET /login",
        [
            "200", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303",
        ],
    ),
    (
        "POST /login",
        [
            "401", "401", "401", "401", "401", "401", "401", "401", "401", "401", "401", "401", "401", "401",
        ],
    ),
    (
        "GET /login/totp",
        [
            "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303",
        ],
    ),
    (
        "POST /login/totp",
        [
            "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303",
        ],
    ),
    (
        "GET /login/totp/opsaet",
        [
            "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303",
        ],
    ),
    (
        "POST /login/totp/opsaet",
        [
            "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303",
        ],
    ),
    (
        "GET /klasser",
        [
            "303", "200", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /klasser/{id}",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /klasser/{id}/fremmoede",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /klasser/{id}/fremmoede",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /fravaer/advarsler",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /fravaer/varsling",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "POST /boern/{id}/varsling",
        [
            "401 401 401 401", "403 403 403 403", "422 422 403 403", "422 422 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/varsling/brev",
        [
            "303 303 303 303", "403 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /fravaer/kvartal/indberetning",
        [
            "401", "403", "303", "422", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /fravaer/indberetninger",
        [
            "303", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "200",
        ],
    ),
    (
        "GET /fravaer/indberetninger/{id}",
        [
            "303 303", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 403",
        ],
    ),
    (
        "POST /fravaer/indberetninger/{id}/kvittering",
        [
            "401 401", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "303 403",
        ],
    ),
    (
        "POST /fravaer/indberetninger/{id}/afgoerelse",
        [
            "401 401", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "303 403",
        ],
    ),
    (
        "GET /fravaer/kvartal",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "200", "403", "403",
        ],
    ),
    (
        "GET /fravaer/kvartal.csv",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "POST /klasser/{id}/gennemgang",
        [
            "401 401 401 401", "403 403 403 403", "303 303 403 403", "303 303 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /api/v1/openapi.json",
        [
            "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200",
        ],
    ),
    // A form body is not JSON: logged-in users get 415 before anything else happens.
    (
        "POST /api/v1/absence/registrations",
        [
            "401", "415", "415", "415", "415", "415", "415", "415", "415", "415", "415", "415", "415", "415",
        ],
    ),
    (
        "GET /klasser/{id}/fravaer",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /fravaer/skole",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /fravaer/kommune",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "200", "403", "403",
        ],
    ),
    (
        "POST /fravaer/advarsler/{id}",
        [
            "401", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /boern",
        [
            "303", "403", "403", "403", "403", "403", "403", "403", "403", "200", "200", "403", "403", "403",
        ],
    ),
    (
        "GET /boern/{id}",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "200 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/adgangslog",
        [
            "303 303 303 303", "403 403 403 403", "403 403 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/opslag",
        [
            "303 303 303 303", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /admin/brugere",
        [
            "303", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "200", "403",
        ],
    ),
    (
        "POST /admin/brugere",
        [
            "401", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "422", "403",
        ],
    ),
    (
        "GET /admin/brugere/{id}",
        [
            "303 303", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 404", "403 403",
        ],
    ),
    (
        "POST /admin/brugere/{id}",
        [
            "401 401", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "303 404", "403 403",
        ],
    ),
    (
        "POST /admin/brugere/{id}/status",
        [
            "401 401", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "303 404", "403 403",
        ],
    ),
    (
        "POST /admin/brugere/{id}/laas-op",
        [
            "401 401", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 404", "403 403",
        ],
    ),
    (
        "POST /admin/brugere/{id}/nulstil-totp",
        [
            "401 401", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 404", "403 403",
        ],
    ),
    (
        "POST /admin/brugere/{id}/adgangskode",
        [
            "401 401", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "200 404", "403 403",
        ],
    ),
    (
        "GET /oidc/{municipality}/login",
        [
            "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404",
        ],
    ),
    (
        "GET /oidc/callback",
        [
            "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400",
        ],
    ),
    (
        "GET /opgaver",
        [
            "303", "200", "200", "200", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "POST /opgaver/{id}",
        [
            "401", "303", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /sparring",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "POST /sparring",
        [
            "401", "403", "303", "303", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /opgaver/institution",
        [
            "303", "403", "403", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /opgaver/kalender",
        [
            "303", "200", "200", "200", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "POST /opgaver/kalender",
        [
            "401", "200", "200", "200", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "POST /opgaver/kalender/tilbagekald",
        [
            "401", "303", "303", "303", "303", "303", "303", "303", "303", "403", "403", "403", "403", "403",
        ],
    ),
    // No session needed: the token is the key; an unknown token is 404 for everyone.
    (
        "GET /kalender/{file}",
        [
            "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404", "404",
        ],
    ),
    (
        "GET /klasser/{id}/konference",
        [
            "303 303 303 303", "403 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /klasser/{id}/konference",
        [
            "401 401 401 401", "403 403 403 403", "303 303 403 403", "303 303 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /klasser/{id}/konferencer",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // The conference belongs to X1: asked for under another readable class it is not found.
    (
        "GET /klasser/{id}/konferencer/{cid}",
        [
            "303 303 303 303", "200 403 403 403", "200 404 403 403", "200 404 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/bekymringer",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /boern/{id}/bekymringer",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/kronologi",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/indsatstrin",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /boern/{id}/indsatstrin",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // X1 has the parents' consent to a PPV; X2 has no guardian, so none: refused (422).
    (
        "POST /boern/{id}/ppv",
        [
            "401 401 401 401", "303 403 403 403", "303 422 403 403", "303 422 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // No evaluated foregribende plan: the escalation guard refuses (422) whoever may ask.
    (
        "POST /boern/{id}/pku",
        [
            "401 401 401 401", "422 403 403 403", "422 422 403 403", "422 422 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/pku/{rid}",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/raadgivere",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // The social worker is (re)assigned: to X2 without consent, so nobody's access changes.
    (
        "POST /boern/{id}/raadgivere",
        [
            "401 401 401 401", "403 403 403 403", "303 303 403 403", "303 303 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /mine-boern",
        [
            "303", "403", "403", "403", "200", "200", "200", "200", "200", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /boern/{id}/samtykker",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // Staff record for the X1 guardian, who is not a guardian of X2: 422 there. Only the
    // guardian, the leader and the trivselsperson may write.
    (
        "POST /boern/{id}/samtykker",
        [
            "401 401 401 401", "403 403 403 403", "303 422 403 403", "303 422 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // The consent belongs to X1: under X2 it is not found. Revoking it again changes nothing
    // and leads back to the list.
    (
        "POST /boern/{id}/samtykker/{cid}/tilbagekald",
        [
            "401 401 401 401", "403 403 403 403", "303 404 403 403", "303 404 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /boern/{id}/planer",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /boern/{id}/planer",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /klasser/{id}/bekymringer",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /klasser/{id}/bekymringer",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /klasser/{id}/indsatstrin",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /klasser/{id}/indsatstrin",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /klasser/{id}/planer",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /klasser/{id}/planer",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // Plans of the children X1, X2, Y1 and Z1.
    (
        "GET /planer/{id}",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // An empty form: refused as invalid (422) where allowed, nothing stored.
    (
        "POST /planer/{id}",
        [
            "401 401 401 401", "422 403 403 403", "422 422 403 403", "422 422 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /planer/{id}/versioner",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /planer/{id}/evaluering",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // Without the version the form was based on: refused (422) where allowed.
    (
        "POST /planer/{id}/foraeldre",
        [
            "401 401 401 401", "422 403 403 403", "422 422 403 403", "422 422 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "422 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /min-stemme",
        [
            "303", "403", "403", "403", "403", "403", "403", "403", "403", "403", "200", "403", "403", "403",
        ],
    ),
    // Only the pupil writes «Min stemme», in his or her own plan; without the version: 422.
    (
        "POST /planer/{id}/min-stemme",
        [
            "401 401 401 401", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "422 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    // After the other plan rows: it closes the plans.
    (
        "POST /planer/{id}/luk",
        [
            "401 401 401 401", "303 403 403 403", "303 303 403 403", "303 303 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "303 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /moeder",
        [
            "303", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200",
        ],
    ),
    // A Trivselsforum today: the leadership convenes it.
    (
        "POST /moeder",
        [
            "401", "403", "303", "303", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /moeder/ny",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /moeder/trivselsforum",
        [
            "303", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    // An empty list is a valid list (no fixed members).
    (
        "POST /moeder/trivselsforum",
        [
            "401", "403", "200", "200", "403", "403", "403", "403", "403", "403", "403", "403", "403", "403",
        ],
    ),
    // Targets: the samråd about X1 at school X (ppr takes part) and a meeting at school Y.
    (
        "GET /moeder/{id}",
        [
            "303 303", "403 403", "200 403", "200 403", "200 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    (
        "GET /moeder/{id}/invitation.ics",
        [
            "303 303", "403 403", "200 403", "200 403", "200 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    // Empty forms: refused as invalid (422) where allowed; taking part is not running it.
    (
        "POST /moeder/{id}/deltagere",
        [
            "401 401", "403 403", "422 403", "422 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    (
        "POST /moeder/{id}/dagsorden",
        [
            "401 401", "403 403", "422 403", "422 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    // Targets: the Trivselsforum at school X with its item, and the meeting at school Y.
    (
        "POST /moeder/{id}/dagsorden/{item}",
        [
            "401 401", "403 403", "422 403", "422 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    (
        "POST /moeder/{id}/referat",
        [
            "401 401", "403 403", "422 403", "422 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    (
        "POST /moeder/{id}/handlinger",
        [
            "401 401", "403 403", "422 403", "422 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    // The samråd's participant `ppr` (last: it is removed, and ppr then no longer takes part).
    // At school Y it is not that meeting's participant: refused before that is asked.
    (
        "POST /moeder/{id}/deltagere/{pid}/fjern",
        [
            "401 401", "403 403", "303 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    // Empty form: refused (422) where allowed.
    (
        "POST /moeder/{id}/flyt",
        [
            "401 401", "403 403", "422 403", "422 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    // Not held yet: closing is refused (422) where allowed.
    (
        "POST /moeder/{id}/afslut",
        [
            "401 401", "403 403", "422 403", "422 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403", "403 403",
        ],
    ),
    (
        "GET /boern/{id}/moeder",
        [
            "303 303 303 303", "200 403 403 403", "200 200 403 403", "200 200 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "200 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "GET /beskeder",
        [
            "303", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200", "200",
        ],
    ),
    // A notification of foraelder: only its owner marks it read.
    (
        "POST /beskeder/{id}",
        [
            "401", "403", "403", "403", "403", "403", "403", "403", "403", "303", "403", "403", "403", "403",
        ],
    ),
    (
        "GET /beskeder/{id}/aabn",
        [
            "303", "403", "403", "403", "403", "403", "403", "403", "403", "303", "403", "403", "403", "403",
        ],
    ),
    // Last: it ends the session used for everything above.
    // Last, as it ends the social worker's assignments: the trivselsperson ends them, the leader then finds none.
    (
        "POST /boern/{id}/raadgivere/{user}/afslut",
        [
            "401 401 401 401", "403 403 403 403", "303 303 403 403", "404 404 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403", "403 403 403 403",
        ],
    ),
    (
        "POST /logout",
        [
            "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303", "303",
        ],
    ),
];

/// Form fields sent to each POST route. Login attempts use a user name per column, so the
/// account throttle does not answer in place of the login check.
fn form_for(path: &str, column: usize) -> Vec<(&'static str, String)> {
    if let Some(fields) = crate::cases::matrix_form(path) {
        return fields;
    }
    if let Some(fields) = crate::meetings::matrix_form(path) {
        return fields;
    }
    let fields: Vec<(&'static str, &'static str)> = match path {
        "/login" => {
            return vec![
                ("username", format!("ukendt{column}")),
                ("password", "forkert kode".into()),
            ];
        }
        "/login/totp" | "/login/totp/opsaet" => vec![("code", "123456"), ("secret", "X")],
        "/admin/brugere" => vec![("username", ""), ("name", ""), ("role", "laerer")],
        "/admin/brugere/{id}" => vec![("name", "Mål Bruger"), ("role", "laerer"), ("institution", "")],
        "/admin/brugere/{id}/status" => vec![("disabled", "false")],
        "/admin/brugere/{id}/adgangskode" => vec![("password", "lange sætninger er gode")],
        "/klasser/{id}/fremmoede" => vec![("dato", "2024-01-02"), ("modul", "1")],
        "/klasser/{id}/gennemgang" => {
            return vec![
                ("maaned", chrono::Local::now().format("%Y-%m").to_string()),
                ("kommentar", "Gennemgået".into()),
            ];
        }
        "/fravaer/advarsler/{id}" => vec![("handling", "gem")],
        "/fravaer/kvartal/indberetning" => vec![("kvartal", "2024Q1")],
        "/fravaer/indberetninger/{id}/afgoerelse" => vec![("foraeldre_hoert", "2024-04-10")],
        "/boern/{id}/raadgivere" => vec![("aarsag", "Henvist af skolen")],
        "/sparring" => {
            return vec![
                ("dato", chrono::Local::now().date_naive().to_string()),
                ("deltagere", "Socialrådgiver".into()),
                ("noter", "Generel sparring om fravær i indskolingen".into()),
            ];
        }
        "/opgaver/{id}" => vec![("note", "Talt med forældrene")],
        "/klasser/{id}/konference" => {
            return vec![
                ("dato", chrono::Local::now().date_naive().to_string()),
                ("noter", "God stemning i klassen".into()),
            ];
        }
        _ => vec![],
    };
    fields.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

#[tokio::test]
async fn authorization_matrix_covers_every_route() {
    let app = spawn_app(never_paused()).await;
    let w = world(app.store()).await;
    let target = add_user(app.store(), w.municipality, "maal", Role::Teacher, None, vec![], None).await;
    let (task, conference) = crate::tasks::matrix_fixtures(app.store(), &w).await;
    let (plans, referrals) = crate::cases::matrix_fixtures(app.store(), &w).await;
    let (guardian, consent) = crate::consents::matrix_fixtures(app.store(), &w).await;
    crate::consents::x1_consent(app.store(), &w, ConsentScope::SocialWorker).await;
    crate::consents::x1_consent(app.store(), &w, ConsentScope::Ppv).await;
    let meetings = crate::meetings::matrix_fixtures(app.store(), &w).await;
    let reports = crate::reports::matrix_fixtures(app.store(), &w).await;

    // Every route has exactly one entry, and every entry is a route.
    let routes: Vec<String> = trivsel_web::routes()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let entries: Vec<&str> = MATRIX.iter().map(|(k, _)| *k).collect();
    for r in &routes {
        assert!(
            entries.contains(&r.as_str()),
            "route {r} has no entry in the authorization matrix"
        );
    }
    for e in &entries {
        assert!(routes.iter().any(|r| r == e), "matrix entry {e} is not a route");
    }
    assert_eq!(routes.len(), entries.len());

    let mut sessions: Vec<Option<String>> = vec![None];
    for role in ROLE_USERS {
        sessions.push(Some(app.login(role.id()).await));
    }
    let mut failures = Vec::new();
    for (entry, cells) in MATRIX {
        let (method, path) = entry.split_once(' ').unwrap();
        let targets: Vec<String> = if path.contains("/static/") {
            vec!["trivsel.css".into(), "findes-ikke.js".into()]
        } else if path.starts_with("/moeder/{id}/dagsorden/{item}") {
            vec![meetings.forum.to_string(), meetings.other_school.to_string()]
        } else if path.starts_with("/moeder/{id}") {
            vec![meetings.samraad.to_string(), meetings.other_school.to_string()]
        } else if path.starts_with("/beskeder/{id}") {
            vec![meetings.notification.to_string()]
        } else if path.starts_with("/planer/") {
            plans.iter().map(i64::to_string).collect()
        } else if path.starts_with("/boern/") {
            w.children.iter().map(i64::to_string).collect()
        } else if path.starts_with("/fravaer/indberetninger/") {
            vec![reports.0.to_string(), reports.1.to_string()]
        } else if path.starts_with("/fravaer/advarsler/") {
            vec!["999999".into()]
        } else if path.starts_with("/opgaver/{id}") {
            vec![task.to_string()]
        } else if path.starts_with("/kalender/") {
            vec!["0123456789abcdef0123456789abcdef.ics".into()]
        } else if path.starts_with("/klasser/") {
            w.classes.iter().map(i64::to_string).collect()
        } else if path.starts_with("/admin/brugere/") {
            vec![target.to_string(), w.users["fremmed"].to_string()]
        } else {
            vec![String::new()]
        };
        for (column, cell) in cells.iter().enumerate() {
            let want: Vec<u16> = cell.split(' ').map(|s| s.parse().unwrap()).collect();
            assert_eq!(want.len(), targets.len(), "{entry}: one status per target");
            for (t, expected) in targets.iter().zip(want) {
                let url = path
                    .replace("{id}", t)
                    .replace("{file}", t)
                    .replace("{municipality}", "147")
                    .replace(
                        "{cid}",
                        &if path.contains("/samtykker/") {
                            consent
                        } else {
                            conference
                        }
                        .to_string(),
                    )
                    .replace("{item}", &meetings.item.to_string())
                    .replace("{user}", &w.users["socialraadgiver"].to_string())
                    .replace("{pid}", &meetings.participant.to_string())
                    .replace("{rid}", referrals.get(t.as_str()).map_or("0", String::as_str));
                let session = sessions[column].as_deref();
                let res = if method == "GET" {
                    app.get(&url, session).await
                } else {
                    let mut form = form_for(path, column);
                    if path == "/boern/{id}/samtykker" {
                        form.push(("foraelder", guardian.to_string()));
                    }
                    if path == "/fravaer/indberetninger/{id}/afgoerelse" {
                        form.push(("barn", w.children[0].to_string()));
                    }
                    if path == "/boern/{id}/raadgivere" {
                        form.push(("raadgiver", w.users["socialraadgiver"].to_string()));
                    }
                    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    app.post(&url, session, &form).await
                };
                if res.status().as_u16() != expected {
                    let who = if column == 0 {
                        "anonym"
                    } else {
                        ROLE_USERS[column - 1].id()
                    };
                    failures.push(format!(
                        "{method} {url} as {who}: {} (expected {expected})",
                        res.status().as_u16()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Random relationship changes and random requests: the server's answer always equals the pure
/// policy's verdict for the actor as stored at that moment.
#[tokio::test]
async fn random_requests_agree_with_the_policy() {
    let app = spawn_app(never_paused()).await;
    let w = world(app.store()).await;
    let mut sessions = HashMap::new();
    for role in ROLE_USERS {
        sessions.insert(role, app.login(role.id()).await);
    }
    let routes = [
        ("", ChildData::Identity),
        ("/adgangslog", ChildData::AccessLog),
        ("/opslag", ChildData::Lookups),
    ];
    let audit = trivsel_store::AuditEntry {
        municipality_id: w.municipality,
        user_id: None,
        username: "test".into(),
        role: "system".into(),
        action: "user.update".into(),
        child_id: None,
        criterion: None,
        allowed: true,
        address: None,
    };
    let mut rng = StdRng::seed_from_u64(7);
    let mut allowed = 0;
    for step in 0..150 {
        if rng.random_bool(0.2) {
            // Give or take the teacher's second class: the change holds from the next request.
            let classes: Vec<i64> = w.classes[..2]
                .iter()
                .copied()
                .filter(|_| rng.random_bool(0.5))
                .collect();
            let update = UserUpdate {
                name: "Test laerer".into(),
                email: None,
                role: Role::Teacher,
                institution_id: Some(w.school_x),
                class_ids: classes,
            };
            app.store()
                .update_user(w.users["laerer"], &update, &audit)
                .await
                .unwrap();
        }
        let role = ROLE_USERS[rng.random_range(0..ROLE_USERS.len())];
        let child = w.children[rng.random_range(0..4)];
        let (suffix, data) = routes[rng.random_range(0..routes.len())];
        let user = app.store().user_by_id(w.users[role.id()]).await.unwrap().unwrap();
        let actor = app
            .store()
            .actor(&user, chrono::Local::now().date_naive())
            .await
            .unwrap();
        let context = app
            .store()
            .child_context(child, chrono::Local::now().date_naive())
            .await
            .unwrap()
            .unwrap();
        let expected = if can(&actor, Action::Read, &Resource::Child(&context, data)) {
            200
        } else {
            403
        };
        allowed += usize::from(expected == 200);
        let res = app
            .get(&format!("/boern/{child}{suffix}"), Some(&sessions[&role]))
            .await;
        assert_eq!(
            res.status().as_u16(),
            expected,
            "step {step}: {} reading {data:?} of child {child}",
            role.id()
        );
    }
    assert!(allowed > 10, "the random requests include allowed ones ({allowed})");
}

#[tokio::test]
async fn reads_and_refusals_are_audited_and_shown_to_leader_and_guardian() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let [own, other, ..] = w.children;

    let res = app.get(&format!("/boern/{other}"), Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Adgang nægtet") && body.contains("Forsøget er registreret"),
        "a Danish 403 page"
    );
    assert_eq!(
        app.get(&format!("/boern/{own}"), Some(&teacher)).await.status(),
        StatusCode::OK
    );

    let rows = app.store().child_audit(other, 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    let denied = &rows[0];
    assert_eq!(
        (denied.username.as_str(), denied.role.as_str(), denied.action.as_str()),
        ("laerer", "laerer", "child.read")
    );
    assert!(!denied.allowed);
    assert_eq!(denied.address.as_deref(), Some("127.0.0.1"));
    assert!(denied.at.ends_with('Z'), "UTC");

    let leader = app.login("skoleleder").await;
    let log = app
        .get(&format!("/boern/{other}/adgangslog"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        log.contains("laerer") && log.contains("Afvist") && log.contains("Stamdata vist"),
        "{log}"
    );

    let guardian = app.login("foraelder").await;
    let lookups = app
        .get(&format!("/boern/{own}/opslag"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        lookups.contains("Stamdata vist") && lookups.contains("Lærer/pædagog"),
        "{lookups}"
    );
    assert!(
        !lookups.contains("Test laerer") && !lookups.contains(">laerer<"),
        "no staff names: {lookups}"
    );

    // A search-like read (a class list) is audited with its criterion.
    let res = app.get(&format!("/klasser/{}", w.classes[0]), Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("KX1"));
    let report = app.store().audit_verify(w.municipality).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
    assert!(report.rows >= 6);
}

#[tokio::test]
async fn removing_a_relationship_takes_effect_on_the_next_request() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let admin = app.login("admin").await;
    let teacher = app.login("laerer").await;
    let own = w.children[0];
    assert_eq!(
        app.get(&format!("/boern/{own}"), Some(&teacher)).await.status(),
        StatusCode::OK
    );
    let x = w.school_x.to_string();
    let res = app
        .post(
            &format!("/admin/brugere/{}", w.users["laerer"]),
            Some(&admin),
            &[("name", "Test laerer"), ("role", "laerer"), ("institution", &x)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/boern/{own}"), Some(&teacher)).await.status(),
        StatusCode::FORBIDDEN
    );
    let class = w.classes[0].to_string();
    app.post(
        &format!("/admin/brugere/{}", w.users["laerer"]),
        Some(&admin),
        &[
            ("name", "Test laerer"),
            ("role", "laerer"),
            ("institution", &x),
            ("classes", &class),
        ],
    )
    .await;
    assert_eq!(
        app.get(&format!("/boern/{own}"), Some(&teacher)).await.status(),
        StatusCode::OK
    );
}

/// The pages for a school's leadership, the municipality and administrators, and the role-bound
/// lists, leave a denied audit row when they refuse, like every other page (`kit::access`).
#[tokio::test]
async fn refusals_of_pages_about_no_single_child_are_audited() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let rows = || async { app.store().audit_verify(w.municipality).await.unwrap().rows };
    let review = format!("/klasser/{}/gennemgang", w.classes[0]);
    for (path, post) in [
        ("/fravaer/advarsler", false),
        ("/fravaer/skole", false),
        ("/fravaer/kommune", false),
        ("/fravaer/kvartal", false),
        ("/fravaer/kvartal.csv", false),
        (review.as_str(), true),
    ] {
        let before = rows().await;
        let res = if post {
            app.post(path, Some(&teacher), &[("maaned", "2026-09")]).await
        } else {
            app.get(path, Some(&teacher)).await
        };
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(rows().await, before + 1, "{path}: one denied row");
    }
    // Pages that name no child refuse the same way: accounts, a role's class list, own children.
    let analyst = app.login("analytiker").await;
    let admin_user = format!("/admin/brugere/{}", w.users["laerer"]);
    for (path, who) in [
        ("/admin/brugere", &teacher),
        (admin_user.as_str(), &teacher),
        ("/boern", &teacher),
        ("/klasser", &analyst),
    ] {
        let before = rows().await;
        assert_eq!(app.get(path, Some(who)).await.status(), StatusCode::FORBIDDEN, "{path}");
        assert_eq!(rows().await, before + 1, "{path}: one denied row");
    }
    let report = app.store().audit_verify(w.municipality).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}

/// Pages that show a whole class write a row for each child shown, so the read is in every
/// child's access log, not only in one row about the class.
#[tokio::test]
async fn a_class_page_is_in_each_pupils_access_log() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let class = w.classes[0];
    for path in [
        format!("/klasser/{class}"),
        format!("/klasser/{class}/fremmoede"),
        format!("/klasser/{class}/fravaer"),
    ] {
        assert_eq!(app.get(&path, Some(&teacher)).await.status(), StatusCode::OK, "{path}");
    }
    let rows = app.store().child_audit(w.children[0], 20).await.unwrap();
    let mut actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        ["absence.read", "class.absence.read", "class.read"],
        "{rows:?}"
    );
    assert!(rows.iter().all(|r| r.allowed && r.username == "laerer"));
    assert!(
        app.store().child_audit(w.children[1], 20).await.unwrap().is_empty(),
        "a pupil of another class is not in it"
    );
}

/// A burst of refusals cannot empty a child's access-log views: the guardian's «Opslag» and
/// the leader's log are filtered in the query over the whole history, and the burst is one
/// flagged line for the leader.
#[tokio::test]
async fn a_burst_of_refusals_does_not_hide_the_real_lookups() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let own = w.children[0];
    let leader = app.login("skoleleder").await;
    assert_eq!(
        app.get(&format!("/boern/{own}"), Some(&leader)).await.status(),
        StatusCode::OK
    );
    // 600 refused attempts by one account, as one API batch once left.
    let mut denied = system_audit(w.municipality, "absence.write");
    denied.username = "laerer".into();
    denied.role = "laerer".into();
    denied.child_id = Some(own);
    denied.allowed = false;
    app.store().audit_all(&vec![denied; 600]).await.unwrap();

    let guardian = app.login("foraelder").await;
    let lookups = app
        .get(&format!("/boern/{own}/opslag"), Some(&guardian))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        lookups.contains("Stamdata vist") && lookups.contains("Skoleleder"),
        "{lookups}"
    );
    let log = app
        .get(&format!("/boern/{own}/adgangslog"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(log.contains("600 – mange forsøg"), "{log}");
    assert_eq!(log.matches("<td>laerer</td>").count(), 1, "one line for the burst");
    assert!(log.contains("Stamdata vist"), "the real read is still shown");
}

/// The matrix walks every refusal of the policy as one account, so the refusal pause is off.
fn never_paused() -> trivsel_web::Config {
    trivsel_web::Config {
        refusal_burst: 0,
        ..local()
    }
}

/// A burst of refusals pauses the account: after 30 refused child pages in ten minutes a
/// teacher gets the Danish 429 page on every page (also the JSON API), the pause is audited
/// once, and other accounts go on.
#[tokio::test]
async fn a_burst_of_refusals_pauses_the_account() {
    let app = spawn_app(local()).await;
    let w = world(app.store()).await;
    let teacher = app.login("laerer").await;
    let leader = app.login("skoleleder").await;
    let foreign = w.children[1];
    for i in 0..30 {
        let res = app.get(&format!("/boern/{foreign}"), Some(&teacher)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "refusal {i}");
    }
    let res = app.get("/", Some(&teacher)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("Kontoen er sat på pause"));
    let api = app
        .client
        .post(format!("{}/api/v1/absence/registrations", app.base))
        .header(
            reqwest::header::COOKIE,
            format!("{}={teacher}", cookie_name(&app.config)),
        )
        .json(&serde_json::json!({ "registrations": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.get("/", Some(&leader)).await.status(),
        StatusCode::OK,
        "others go on"
    );

    let rows = app.store().child_audit(foreign, 100).await.unwrap();
    let refused = rows.iter().filter(|r| r.username == "laerer" && !r.allowed).count();
    assert_eq!(
        refused, 30,
        "each refusal is in the child's log, the paused requests are not"
    );
    let page = app
        .get(&format!("/boern/{foreign}/adgangslog"), Some(&leader))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("30 – mange forsøg"), "one flagged line for the leader");
}
