//! `trivsel`: the one binary. Every subcommand has `--help`.

mod absence;
mod admin;
mod backup;
mod bench;
mod progress;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use trivsel_store::{DEFAULT_DATABASE_URL, Store};

#[derive(Parser)]
#[command(
    name = "trivsel",
    version,
    about = "Trivsel: børns trivsel, fravær og indsatser i kommunen"
)]
struct Cli {
    /// Database: sqlite://STI (standard: sqlite://trivsel.db) eller postgres://bruger@vært/database.
    #[arg(long, global = true, env = "TRIVSEL_DATABASE_URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start webserveren.
    Serve {
        /// Adresse og port der lyttes på.
        #[arg(long, default_value = "127.0.0.1:8080", env = "TRIVSEL_ADDR")]
        addr: SocketAddr,
        #[command(flatten)]
        sessions: SessionArgs,
    },
    /// Opret (eller genbrug) demokommunen «Eksempel Kommune» og start serveren i demotilstand.
    ///
    /// Bruger trivsel-demo.db, medmindre --db er angivet. Demokonti (adgangskode «demo») virker
    /// kun i demotilstand, som kun lytter på loopback.
    Demo {
        /// Adresse og port der lyttes på (kun loopback, fx 127.0.0.1:8080).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Antal skoleelever. Standard er de fire navngivne skoler; flere tilføjer skoler med tre
        /// klasser pr. årgang (til målinger i en stor kommunes størrelse, fx 50000).
        #[arg(long, default_value_t = trivsel_demo::DEFAULT_PUPILS)]
        pupils: usize,
        #[command(flatten)]
        sessions: SessionArgs,
    },
    /// Kør databasens migreringer (sker også automatisk ved hver start).
    Migrate,
    /// Kommuner i databasen.
    #[command(subcommand)]
    Municipality(MunicipalityCommand),
    /// Importér CSV-filer (UTF-8, komma- eller semikolonsepareret). En fil med fejl afvises helt.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Fravær: regelhændelser og kvartalsopgørelse.
    #[command(subcommand)]
    Absence(AbsenceCommand),
    /// Brugerkonti.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Single sign-on (OpenID Connect) pr. kommune.
    #[command(subcommand)]
    Oidc(OidcCommand),
    /// Revisionssporet (hvem har set eller ændret hvad).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Benchmarkprogrammer; resultaterne står i docs/PERFORMANCE.md.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Overgangsskemaet (sundhedspleje → dagtilbud): spørgsmål og ADBB-grænse.
    #[command(subcommand)]
    TransitionForm(TransitionFormCommand),
    /// Tag en sikkerhedskopi af databasen, mens den er i brug.
    ///
    /// SQLite: en konsistent kopi med VACUUM INTO. PostgreSQL: pg_dump (brugerdefineret format) af
    /// databasens skema. Bagefter tælles rækkerne i hver tabel, og revisionssporet kontrolleres.
    Backup {
        /// Filen der skrives (må ikke findes i forvejen).
        file: PathBuf,
    },
    /// Gendan en sikkerhedskopi i en ny database (--db).
    ///
    /// SQLite: filen i --db må ikke findes. PostgreSQL: databasen skal være tom; pg_restore
    /// kører i én transaktion. Bagefter tælles rækkerne, og revisionssporet kontrolleres.
    Restore {
        /// Sikkerhedskopien (fra `trivsel backup`).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum TransitionFormCommand {
    /// Vis kommunens spørgsmål og ADBB-grænse.
    Show {
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Vis eller sæt ADBB-grænsen: en samlet score på mindst N giver anledning til opmærksomhed
    /// (standard 5; 1–32). Udfyldte skemaer beholder den grænse, de blev vurderet med.
    AdbbCutoff {
        /// Ny grænse; uden vises den nuværende.
        cutoff: Option<u32>,
        #[arg(long)]
        municipality: Option<String>,
    },
}

#[derive(Subcommand)]
enum AbsenceCommand {
    /// Alle regelhændelser (consecutive, window_7_20, window_15_60, comes_and_goes, percent_10)
    /// dateret i perioden, beregnet fra skoleårets start. CSV: pupil_id,rule,date.
    Events {
        /// Første dato (ÅÅÅÅ-MM-DD).
        #[arg(long, value_parser = parse_date)]
        from: trivsel_domain::NaiveDate,
        /// Sidste dato (ÅÅÅÅ-MM-DD).
        #[arg(long, value_parser = parse_date)]
        to: trivsel_domain::NaiveDate,
        /// Kun hændelser mens eleven gik på denne skole (skolekode).
        #[arg(long)]
        school: Option<String>,
        #[arg(long, value_enum, default_value = "csv")]
        format: absence::Format,
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Vis kommunens tærskler for fraværsreglerne, og ret dem der angives.
    Thresholds {
        #[arg(long)]
        municipality: Option<String>,
        /// Fravær i træk: antal skoledage (standard 5).
        #[arg(long)]
        consecutive: Option<u32>,
        /// Kort vindue som DAGE:FRAVÆRSDAGE (standard 20:7).
        #[arg(long)]
        short_window: Option<String>,
        /// Langt vindue som DAGE:FRAVÆRSDAGE (standard 60:15).
        #[arg(long)]
        long_window: Option<String>,
        /// Kommer og går som DAGE:ANTAL for sent/gået tidligt (standard 20:5).
        #[arg(long)]
        comes_and_goes: Option<String>,
        /// Procentreglen som DAGE:PROCENT (standard 20:10).
        #[arg(long)]
        percent: Option<String>,
    },
    /// Vis eller sæt hvor mange registreringer skolen tager pr. elev og skoledag (standard 2);
    /// dage med færre står som manglende registreringer.
    RegistrationsPerDay {
        /// Skolens kode.
        #[arg(long)]
        school: String,
        /// Nyt antal (1–12); uden vises det nuværende.
        count: Option<u8>,
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Elever med mindst 15 % ulovligt fravær i kvartalet. CSV: pupil_id,school,unlawful_share.
    QuarterReport {
        /// Kvartal, fx 2024Q1.
        #[arg(long)]
        quarter: String,
        /// Kun elever hvis skole (på kvartalets sidste skoledag) har denne kode.
        #[arg(long)]
        school: Option<String>,
        #[arg(long, value_enum, default_value = "csv")]
        format: absence::Format,
        #[arg(long)]
        municipality: Option<String>,
    },
}

fn parse_date(value: &str) -> Result<trivsel_domain::NaiveDate, String> {
    trivsel_domain::validate::parse_date(value)
}

#[derive(Subcommand)]
enum OidcCommand {
    /// Opsæt (eller ret) kommunens OpenID Connect-udbyder. Klienthemmeligheden læses fra
    /// TRIVSEL_OIDC_CLIENT_SECRET eller som én linje fra standard input.
    Set {
        /// Kommunekode.
        municipality: String,
        /// Udbyderens issuer-adresse, fx https://login.microsoftonline.com/TENANT/v2.0
        #[arg(long)]
        issuer: String,
        #[arg(long)]
        client_id: String,
        /// Knappens tekst på login-siden, fx «UNI-Login».
        #[arg(long)]
        label: String,
        /// Det claim i ID-tokenet der rummer Trivsel-brugernavnet: preferred_username, email eller sub.
        #[arg(long, default_value = "preferred_username")]
        username_claim: String,
    },
    /// Vis opsatte udbydere (uden hemmeligheder).
    List,
}

/// Sessionsindstillinger.
#[derive(clap::Args)]
struct SessionArgs {
    /// Minutter uden aktivitet før en session udløber.
    #[arg(long, default_value_t = 30, env = "TRIVSEL_IDLE_TIMEOUT_MINUTES")]
    idle_timeout_minutes: u64,
    /// Timer efter login før en session udløber uanset aktivitet.
    #[arg(long, default_value_t = 8, env = "TRIVSEL_SESSION_HOURS")]
    session_hours: u64,
    /// Adressen brugerne når serveren på (til single sign-on), fx https://trivsel.kommune.dk.
    /// Standard: http://ADRESSE.
    #[arg(long, env = "TRIVSEL_PUBLIC_URL")]
    public_url: Option<String>,
    /// IP-adressen på TLS-proxyen foran serveren: kun fra den læses klientens adresse i
    /// X-Forwarded-For (til begrænsning af loginforsøg og revisionsloggen).
    #[arg(long, env = "TRIVSEL_TRUSTED_PROXY")]
    trusted_proxy: Option<std::net::IpAddr>,
}

impl SessionArgs {
    fn config(&self, demo: bool, addr: SocketAddr) -> trivsel_web::Config {
        trivsel_web::Config {
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout_minutes * 60),
            absolute_timeout: std::time::Duration::from_secs(self.session_hours * 3600),
            trusted_proxy: self.trusted_proxy,
            ..trivsel_web::Config::deployment(demo, addr, self.public_url.as_deref())
        }
    }
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Importér brugere: username,name,email,role,institution,classes (klasser adskilt af |).
    Import {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Sæt en brugers adgangskode (læses skjult fra terminalen eller som én linje fra standard input).
    Password { username: String },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Kontrollér hash-kæden og navngiv den første brudte række (exit-kode 1 ved brud).
    Verify {
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
        /// Et tidligere eksporteret hoved (SEKVENS:HASH) som sporet skal indeholde uændret.
        #[arg(long)]
        head: Option<String>,
    },
    /// Skriv kædens hoved (SEKVENS:HASH), til opbevaring uden for systemet.
    Head {
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Slet rækker ældre end opbevaringsperioden; kæden forbliver kontrollerbar fra et anker.
    Prune {
        #[arg(long)]
        municipality: Option<String>,
        /// Opbevaringsperiode i dage (standard 6 måneder).
        #[arg(long, default_value_t = 183, env = "TRIVSEL_AUDIT_RETENTION_DAYS")]
        days: i64,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Importér en syntetisk elevliste to gange og mål tiden (ny SQLite-fil, medmindre --db er angivet).
    Roster {
        /// Antal elever.
        #[arg(long, default_value_t = 100_000)]
        pupils: usize,
    },
    /// Fraværsreglerne på syntetiske registreringer: generér data i hukommelsen og mål
    /// regelevalueringen for alle elever (bedste af 3 kørsler) mod et rent hukommelsespas.
    ///
    /// Data ligger som [elev][skoledag][slot], én byte pr. registrering; se docs/PERFORMANCE.md.
    Absence {
        /// Antal elever.
        #[arg(long, default_value_t = 700_000)]
        pupils: usize,
        /// Skoledage pr. elev (i ét skoleår).
        #[arg(long, default_value_t = 200)]
        days: usize,
        /// Registreringer pr. skoledag (2 = morgen og eftermiddag; flere ved registrering pr. lektion).
        #[arg(long, default_value_t = 2)]
        slots: usize,
        /// Antal tråde (standard: antal kerner).
        #[arg(long)]
        threads: Option<usize>,
        /// Frø til de syntetiske data (samme frø giver samme data).
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Skriv også data (registrations.csv) og hændelser (events_trivsel.csv) i denne mappe,
        /// til sammenligningen i bench/duckdb_compare.sh. Tæller ikke med i målingerne.
        #[arg(long, value_name = "MAPPE")]
        export: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum MunicipalityCommand {
    /// Opret en kommune (eller omdøb en eksisterende med samme kode).
    Add {
        /// Kommunekode, fx 147.
        code: String,
        /// Navn, fx «Frederiksberg Kommune».
        name: String,
    },
    /// Vis kommunerne.
    List,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Elevliste: school,school_name,class,pupil_id,given_name,family_name,birth_date,enrolled_from,enrolled_to
    Roster {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Fraværsregistreringer: pupil_id,date,slot,code (P, S, L, U, F, T). Senere række vinder.
    Absence {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Forældre og forældremyndighed: pupil_id,name,email,phone,custody,login (custody = ja/nej;
    /// login = borgerens identitet hos kommunens OpenID Connect-login). Forældrene til hver elev i
    /// filen bliver præcis dem i filen.
    Guardians {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Rådgiveres tilknytning til børn: pupil_id,username,reason,ends_on (ends_on = sidste dag,
    /// ÅÅÅÅ-MM-DD, kan være tom). Tilknytninger, filen ikke nævner, bevares.
    Assignments {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Overgangsskemaets spørgsmål (sundhedspleje → dagtilbud): key,question, i skemaets
    /// rækkefølge. Erstatter kommunens sæt (uden en fil bruges standardsættet); udfyldte skemaer
    /// beholder deres ordlyd.
    TransitionQuestions {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Den nationale trivselsmålings offentliggjorte resultater:
    /// school,school_year,grade_group,indicator,value[,respondents] (danske tal som 3,9; skjulte
    /// celler som .., -, * gemmes som manglende, aldrig 0).
    SurveyResults {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Den nationale trivselsmålings svar pr. elev: pupil_id,school_year,question,answer (1–5 før
    /// vending; «ønsker ikke at svare» er manglende). Indikatorerne beregnes og gemmes.
    SurveyAnswers {
        file: PathBuf,
        /// Hvilke spørgsmål der hører til hvilken indikator: question,indicator,reversed (ja/nej).
        /// Uden bruges standardfilen.
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
    /// Skoleferier: school,date,kind (kind = holiday). Filen er hele listen for de skoleår den nævner.
    Calendar {
        file: PathBuf,
        /// Kommunekode; kan udelades når databasen kun har én kommune.
        #[arg(long)]
        municipality: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TRIVSEL_LOG").unwrap_or_else(|_| "info,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fejl: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.db.clone().unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
    match cli.command {
        Command::Serve { addr, sessions } => {
            let store = Store::connect(&url).await?;
            serve(store, sessions.config(false, addr), addr).await
        }
        Command::Demo { addr, pupils, sessions } => {
            if !addr.ip().is_loopback() {
                bail!("demotilstand lytter kun på loopback (fx 127.0.0.1:8080), ikke på {addr}");
            }
            let url = cli.db.unwrap_or_else(|| "sqlite://trivsel-demo.db".into());
            let store = Store::connect(&url).await?;
            let today = chrono::Local::now().date_naive();
            let hash = tokio::task::spawn_blocking(|| trivsel_web::password::hash(trivsel_demo::PASSWORD)).await?;
            match trivsel_demo::seed(&store, &hash, today, pupils).await? {
                Some(s) => println!(
                    "Oprettede {}: {} institutioner, {} børn, {} forældre, {} fraværsregistreringer.",
                    trivsel_demo::MUNICIPALITY_NAME,
                    s.institutions,
                    s.children,
                    s.guardians,
                    s.registrations
                ),
                None => println!("Genbruger {} i {url}.", trivsel_demo::MUNICIPALITY_NAME),
            }
            println!(
                "\nTrivsel kører på http://{addr}\n\nDemokonti (adgangskode «{}»):",
                trivsel_demo::PASSWORD
            );
            for (user, _, what) in trivsel_demo::ACCOUNTS {
                println!("  {user:<18} {what}");
            }
            println!();
            serve(store, sessions.config(true, addr), addr).await
        }
        Command::Backup { file } => backup::backup(&url, &file).await,
        Command::Restore { file } => backup::restore(&url, &file).await,
        Command::Migrate => {
            let store = Store::open(&url).await?;
            let bar = progress::Bar::for_migration();
            let ran = store.migrate_with(&|done, total| bar.converted(done, total)).await?;
            bar.finish();
            println!("{ran} migreringer kørt; databasen er opdateret.");
            store.close().await;
            Ok(())
        }
        Command::Municipality(MunicipalityCommand::Add { code, name }) => {
            let code = trivsel_domain::validate::source_id(&code).map_err(|m| anyhow::anyhow!("kommunekode: {m}"))?;
            let name = trivsel_domain::validate::name(&name).map_err(|m| anyhow::anyhow!("navn: {m}"))?;
            let store = Store::connect(&url).await?;
            let m = store.upsert_municipality(code, name).await?;
            println!("Kommune {} «{}» er gemt.", m.code, m.name);
            store.close().await;
            Ok(())
        }
        Command::Municipality(MunicipalityCommand::List) => {
            let store = Store::connect(&url).await?;
            for m in store.municipalities().await? {
                println!("{}\t{}", m.code, m.name);
            }
            Ok(())
        }
        Command::Bench(BenchCommand::Roster { pupils }) => bench::roster(pupils, cli.db).await,
        Command::Bench(BenchCommand::Absence {
            pupils,
            days,
            slots,
            threads,
            seed,
            export,
        }) => {
            let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            bench::absence(&bench::AbsenceArgs {
                pupils,
                days,
                slots,
                threads,
                seed,
                export,
            })
        }
        Command::Users(UsersCommand::Import { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let result = admin::import_users(&store, municipality.as_deref(), &file).await;
            store.close().await;
            result
        }
        Command::Users(UsersCommand::Password { username }) => {
            let store = Store::connect(&url).await?;
            let result = admin::set_password(&store, &username).await;
            store.close().await;
            result
        }
        Command::Import(ImportCommand::Absence { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let result = absence::import(&store, municipality.as_deref(), &file).await;
            store.close().await;
            result
        }
        Command::Absence(AbsenceCommand::Events {
            from,
            to,
            school,
            format,
            municipality,
        }) => {
            let store = Store::connect(&url).await?;
            absence::events(&store, municipality.as_deref(), from, to, school.as_deref(), format).await
        }
        Command::Absence(AbsenceCommand::Thresholds {
            municipality,
            consecutive,
            short_window,
            long_window,
            comes_and_goes,
            percent,
        }) => {
            let store = Store::connect(&url).await?;
            let result = absence::thresholds(
                &store,
                municipality.as_deref(),
                consecutive,
                short_window.as_deref(),
                long_window.as_deref(),
                comes_and_goes.as_deref(),
                percent.as_deref(),
            )
            .await;
            store.close().await;
            result
        }
        Command::Absence(AbsenceCommand::RegistrationsPerDay {
            school,
            count,
            municipality,
        }) => {
            let store = Store::connect(&url).await?;
            let result = absence::registrations_per_day(&store, municipality.as_deref(), &school, count).await;
            store.close().await;
            result
        }
        Command::Absence(AbsenceCommand::QuarterReport {
            quarter,
            school,
            format,
            municipality,
        }) => {
            let store = Store::connect(&url).await?;
            absence::quarter_report(&store, municipality.as_deref(), &quarter, school.as_deref(), format).await
        }
        Command::Oidc(OidcCommand::Set {
            municipality,
            issuer,
            client_id,
            label,
            username_claim,
        }) => {
            let store = Store::connect(&url).await?;
            let result = admin::set_oidc(&store, &municipality, issuer, client_id, label, username_claim).await;
            store.close().await;
            result
        }
        Command::Oidc(OidcCommand::List) => {
            let store = Store::connect(&url).await?;
            admin::list_oidc(&store).await
        }
        Command::Audit(AuditCommand::Verify { municipality, head }) => {
            let store = Store::connect(&url).await?;
            admin::verify(&store, municipality.as_deref(), head.as_deref()).await
        }
        Command::Audit(AuditCommand::Head { municipality }) => {
            let store = Store::connect(&url).await?;
            admin::head(&store, municipality.as_deref()).await
        }
        Command::Audit(AuditCommand::Prune { municipality, days }) => {
            let store = Store::connect(&url).await?;
            let result = admin::prune(&store, municipality.as_deref(), days).await;
            store.close().await;
            result
        }
        Command::Import(ImportCommand::Roster { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let m = store.find_municipality(municipality.as_deref()).await?;
            let bar = progress::Bar::for_file(&file);
            let summary = trivsel_import::import_roster(&store, m.id, &file, &bar).await;
            bar.finish();
            store.close().await;
            println!("{}: {}", file.display(), summary?);
            Ok(())
        }
        Command::Import(ImportCommand::Guardians { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let result = admin::import_guardians(&store, municipality.as_deref(), &file).await;
            store.close().await;
            result
        }
        Command::Import(ImportCommand::Assignments { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let result = admin::import_assignments(&store, municipality.as_deref(), &file).await;
            store.close().await;
            result
        }
        Command::Import(ImportCommand::SurveyResults { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let result = admin::import_survey(&store, municipality.as_deref(), &file, None).await;
            store.close().await;
            result
        }
        Command::Import(ImportCommand::SurveyAnswers {
            file,
            mapping,
            municipality,
        }) => {
            let store = Store::connect(&url).await?;
            let result = admin::import_survey(&store, municipality.as_deref(), &file, Some(mapping.as_deref())).await;
            store.close().await;
            result
        }
        Command::Import(ImportCommand::TransitionQuestions { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let result = admin::import_transition_questions(&store, municipality.as_deref(), &file).await;
            store.close().await;
            result
        }
        Command::TransitionForm(command) => {
            let store = Store::connect(&url).await?;
            let result = match command {
                TransitionFormCommand::Show { municipality } => {
                    admin::transition_form(&store, municipality.as_deref(), None).await
                }
                TransitionFormCommand::AdbbCutoff { cutoff, municipality } => {
                    admin::transition_form(&store, municipality.as_deref(), cutoff).await
                }
            };
            store.close().await;
            result
        }
        Command::Import(ImportCommand::Calendar { file, municipality }) => {
            let store = Store::connect(&url).await?;
            let m = store.find_municipality(municipality.as_deref()).await?;
            let bar = progress::Bar::for_file(&file);
            let summary = trivsel_import::import_calendar(&store, m.id, &file, &bar).await;
            bar.finish();
            store.close().await;
            println!("{}: {}", file.display(), summary?);
            Ok(())
        }
    }
}

async fn serve(store: Store, config: trivsel_web::Config, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("kan ikke lytte på {addr}"))?;
    // An absence import stopped between saving and refreshing alerts is completed first.
    let pending = store.complete_pending_alerts(chrono::Local::now().date_naive()).await?;
    if pending > 0 {
        tracing::info!(
            pupils = pending,
            "alerts brought up to date after an interrupted import"
        );
    }
    tracing::info!(%addr, "serving");
    trivsel_web::serve(listener, trivsel_web::app(store.clone(), config)).await?;
    store.close().await;
    Ok(())
}
