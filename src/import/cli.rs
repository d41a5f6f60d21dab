//! `studio-lcc import`: read a domain, write a manifest folder that reproduces it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use super::{Imported, MANIFEST_FILE, import, read};
use crate::commands::connect::{AwsArgs, connect};
use crate::manifest::{LoadOptions, load, names};
use crate::model::DesiredState;

/// Arguments of `studio-lcc import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The domain to import: its id (`d-...`) or its name.
    #[arg(long, value_name = "ID|NAME")]
    pub domain: String,
    /// The manifest's owner id, tagged on every adopted lifecycle config (default: the
    /// domain's name).
    #[arg(long)]
    pub owner: Option<String>,
    /// The folder to write the manifest and `scripts/` into (default: a folder named after
    /// the domain). It must be empty or missing unless `--force` is given.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write into a folder that is not empty, replacing the manifest and the script files
    /// the import writes (other files are left alone).
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// Runs `import`.
///
/// 1. Check the flags that need no AWS call (`--owner`, `--out`).
/// 2. Read the domain and the lifecycle configs it refers to.
/// 3. Build the manifest and script files, and write them.
/// 4. Load the written manifest, as `validate` would, so a broken result is never left
///    unreported.
///
/// # Errors
///
/// A flag is not valid, the folder is not empty (without `--force`), the domain cannot be
/// read, or the files cannot be written.
pub async fn execute(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(owner) = &args.owner {
        check_owner(owner)?;
    }
    if let Some(out) = &args.out {
        check_out_dir(out, args.force)?;
    }

    let nothing = DesiredState {
        owner: String::new(),
        scripts: Vec::new(),
        domains: Vec::new(),
    };
    let connection = connect(&args.aws, &nothing).await?;
    let concurrency = usize::from(args.aws.concurrency);
    let source = read::read(&connection.client, &args.domain, concurrency).await;
    connection.close().await?;
    let source = source.with_context(|| format!("failed to read domain `{}`", args.domain))?;

    let owner = args
        .owner
        .clone()
        .unwrap_or_else(|| source.domain.name.clone());
    check_owner(&owner).context("the domain's name cannot be the owner id; pass `--owner`")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(&source.domain.name));
    if args.out.is_none() {
        check_out_dir(&out, args.force)?;
    }
    let imported = import(&source, &owner);
    write(&out, &imported)?;

    load(&out.join(MANIFEST_FILE), &LoadOptions::default()).with_context(|| {
        format!(
            "the imported manifest in `{}` does not load; this is a bug in `studio-lcc import`",
            out.display()
        )
    })?;
    report(&out, &source.domain.name, &imported);
    Ok(ExitCode::SUCCESS)
}

fn check_owner(owner: &str) -> anyhow::Result<()> {
    names::owner(owner).map_err(|reason| anyhow::anyhow!("owner `{owner}` is not valid: {reason}"))
}

/// A missing or empty folder is fine; anything else needs `--force`.
fn check_out_dir(out: &Path, force: bool) -> anyhow::Result<()> {
    let entries = match fs::read_dir(out) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("failed to read `{}`", out.display())),
    };
    if entries.count() > 0 && !force {
        bail!(
            "`{}` is not empty; choose another `--out`, or pass `--force` to write into it",
            out.display()
        );
    }
    Ok(())
}

fn write(out: &Path, imported: &Imported) -> anyhow::Result<()> {
    fs::create_dir_all(out.join("scripts"))
        .with_context(|| format!("failed to create `{}`", out.join("scripts").display()))?;
    let manifest = out.join(MANIFEST_FILE);
    fs::write(&manifest, &imported.manifest)
        .with_context(|| format!("failed to write `{}`", manifest.display()))?;
    for script in &imported.scripts {
        let path = out.join(&script.path);
        fs::write(&path, &script.content)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    Ok(())
}

/// Notes on stderr; what was written and what to do next on stdout.
fn report(out: &Path, domain: &str, imported: &Imported) {
    for note in &imported.notes {
        eprintln!("note: {note}");
    }
    println!(
        "Imported domain `{domain}` into `{}`: {} script(s) adopted, {} item(s) left as they are.",
        out.display(),
        imported.scripts.len(),
        imported.notes.len()
    );
    println!(
        "Next: `studio-lcc plan -f {}` should only tag the adopted lifecycle configs as owned.",
        out.display()
    );
}
