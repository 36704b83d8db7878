//! `trivsel backup FILE` and `trivsel restore FILE`. SQLite: a consistent online copy with
//! `VACUUM INTO`, restored into a new file. PostgreSQL: `pg_dump --format=custom` of the
//! database's schema, restored with `pg_restore` into an empty database. The copy is checked —
//! every table's rows counted, every audit chain verified — after a SQLite backup (on the
//! copy) and after every restore.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
use trivsel_store::{BackupCheck, Store};

fn print(check: &BackupCheck) {
    let rows: i64 = check.tables.values().sum();
    println!("{} tabeller, {rows} rækker i alt:", check.tables.len());
    for (table, n) in &check.tables {
        println!("  {table}: {n}");
    }
    for (municipality, n) in &check.audit_chains {
        println!("revisionsspor for {municipality}: {n} rækker, kæden er i orden");
    }
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Runs a PostgreSQL tool, with its messages passed on; a missing tool is said in Danish.
fn run_tool(tool: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(tool).args(args).status().with_context(|| {
        format!("{tool} kan ikke startes; installér PostgreSQL-klientværktøjerne (fx postgresql-client)")
    })?;
    if !status.success() {
        bail!("{tool} fejlede ({status}); intet er ændret i databasen");
    }
    Ok(())
}

/// The schema the URL's connection uses (`public` unless the URL sets another search path).
async fn schema(store: &Store) -> anyhow::Result<String> {
    Ok(store.current_schema().await?.unwrap_or_else(|| "public".into()))
}

pub async fn backup(url: &str, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!(
            "{} findes allerede; vælg et nyt filnavn (en sikkerhedskopi overskriver intet)",
            file.display()
        );
    }
    let store = Store::connect(url).await?;
    if is_postgres(url) {
        let schema = schema(&store).await?;
        let target = file.display().to_string();
        run_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--schema",
                &schema,
                "--file",
                &target,
                "--dbname",
                url,
            ],
        )?;
        store.close().await;
        // pg_dump copies one snapshot; the live database has moved on since, so its counts
        // would not be the copy's. `trivsel restore` counts and verifies the copy.
        println!("Sikkerhedskopi skrevet til {target} (pg_dump, skemaet {schema}).");
        println!("Kontrollér den ved at gendanne den i en tom database med `trivsel restore`.");
        return Ok(());
    }
    store.backup_sqlite(file).await?;
    store.close().await;
    // The copy is checked as it will be restored: opened on its own.
    let copy = Store::open(&format!("sqlite://{}", file.display())).await?;
    copy.integrity_check().await?;
    let check = copy.check_backup().await?;
    copy.close().await;
    println!("Sikkerhedskopi skrevet til {} (SQLite, VACUUM INTO).", file.display());
    print(&check);
    Ok(())
}

pub async fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    let meta = std::fs::metadata(file).with_context(|| format!("{}: filen findes ikke", file.display()))?;
    if !meta.is_file() {
        bail!("{}: er ikke en almindelig fil", file.display());
    }
    if is_postgres(url) {
        let store = Store::open(url).await?;
        if store.table_count().await? > 0 {
            bail!("databasen er ikke tom; gendan i en ny, tom database (intet er ændret)");
        }
        store.close().await;
        let source = file.display().to_string();
        run_tool(
            "pg_restore",
            &[
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                url,
                &source,
            ],
        )?;
        let store = Store::connect(url).await?;
        let check = store.check_backup().await?;
        store.close().await;
        println!("Gendannet fra {source}.");
        print(&check);
        return Ok(());
    }
    let Some(target) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) else {
        bail!("ukendt databaseadresse «{url}»: brug sqlite://STI eller postgres://…");
    };
    let target = Path::new(target.split('?').next().unwrap_or_default());
    if target.exists() {
        bail!(
            "{} findes allerede; gendan i en ny fil (intet er ændret)",
            target.display()
        );
    }
    // The backup is checked before it is put in place.
    let source = Store::open(&format!("sqlite://{}", file.display())).await?;
    source
        .integrity_check()
        .await
        .context("sikkerhedskopien kan ikke bruges")?;
    source.close().await;
    let partial = target.with_extension("gendannes");
    std::fs::copy(file, &partial).with_context(|| format!("kan ikke skrive {}", partial.display()))?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, target)?;
    let store = Store::connect(url).await?;
    let check = store.check_backup().await?;
    store.close().await;
    println!("Gendannet fra {} til {}.", file.display(), target.display());
    print(&check);
    Ok(())
}
