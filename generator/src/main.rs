//! `openapi-forge`: the command line around the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use openapi_forge::diff::{self, DiffError, Markdown};
use openapi_forge::{Config, Diagnostics, Report, Selection};

/// Generates self-contained Rust crates (typed models, reqwest client, axum server) from
/// OpenAPI 3.0 specs.
///
/// Exit status: 0 on success, 1 when a spec has errors, 2 on usage errors, 3 when `diff
/// --fail-on` finds such a change.
#[derive(Parser)]
#[command(name = "openapi-forge", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generates a crate from one API's spec files (several files are merged into one API).
    ///
    /// Example: openapi-forge generate specs/apono/*.yaml --out generated/apono
    Generate {
        /// Spec files (YAML or JSON, OpenAPI 3.0.x).
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        /// Directory to write the crate to; files the generator wrote there before are replaced.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Package name of the crate (default: the name of the output directory).
        #[arg(long, value_name = "NAME")]
        crate_name: Option<String>,
        #[command(flatten)]
        select: Select,
    },
    /// Checks spec files and prints every problem found, without writing anything.
    Check {
        /// Spec files (YAML or JSON, OpenAPI 3.0.x).
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        #[command(flatten)]
        select: Select,
    },
    /// Reports every change between two versions of an API and whom it breaks: clients,
    /// servers, and the semver bump of the generated crate.
    ///
    /// Two spec files: the old version's, then the new version's. When a version is several
    /// files, the old version's files come first, then `--`, then the new version's (options
    /// go before the `--`).
    ///
    /// Examples: openapi-forge diff --fail-on breaking old.yaml new.yaml
    ///           openapi-forge diff old/*.yaml -- specs/apono/*.yaml
    Diff {
        /// Spec files of the old version; without `--`, the old file and then the new one.
        #[arg(required = true, value_name = "OLD_SPEC")]
        old: Vec<PathBuf>,
        /// Spec files of the new version (after `--`).
        #[arg(last = true, value_name = "NEW_SPEC")]
        new: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Exit with status 3 when a change of this kind is found.
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOn>,
    },
    /// Prints the completion script of a shell.
    ///
    /// Example: openapi-forge completions bash > ~/.local/share/bash-completion/completions/openapi-forge
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Which operations to generate (by default all). Each option takes a comma-separated list
/// and can be repeated. An operation is kept when one of its tags is included or `--operations`
/// names it (or when neither option is given), and none of its tags is excluded; operations
/// without tags have the tag `default`. The schemas and other components only the operations
/// left out use are left out too. A value that matches no operation is an error.
#[derive(Args)]
#[command(next_help_heading = "Operation selection")]
struct Select {
    /// Keep the operations with any of these tags.
    ///
    /// An operation is kept when one of its tags is included or `--operations` names it (or
    /// when neither option is given), and none of its tags is excluded; an operation without
    /// tags has the tag `default`. The schemas and other components only the operations left
    /// out use are left out too. Each option takes a comma-separated list and can be repeated;
    /// a value that matches no operation is an error.
    #[arg(long, value_name = "TAG,...", value_delimiter = ',')]
    include_tags: Vec<String>,
    /// Leave out the operations with any of these tags (even when included otherwise).
    #[arg(long, value_name = "TAG,...", value_delimiter = ',')]
    exclude_tags: Vec<String>,
    /// Keep these operations, each an operationId or a method and path as the spec writes it
    /// ("GET /repos/{owner}/{repo}").
    #[arg(long, value_name = "OPERATION,...", value_delimiter = ',')]
    operations: Vec<String>,
}

impl From<Select> for Selection {
    fn from(s: Select) -> Selection {
        Selection {
            include_tags: s.include_tags,
            exclude_tags: s.exclude_tags,
            operations: s.operations,
        }
    }
}

/// Output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A report to paste into a review.
    Markdown,
    /// The stable JSON document described in the README.
    Json,
}

/// What makes `diff` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// A change that breaks existing clients on the wire (as oasdiff means "breaking").
    #[value(alias = "client-breaking")]
    Breaking,
    /// A change that breaks existing servers on the wire (a new operation, a new optional
    /// request field...).
    ServerBreaking,
    /// A change that breaks clients or servers on the wire.
    AnyBreaking,
    /// A change that needs a major version of the generated crate.
    Major,
}

impl From<FailOn> for diff::FailOn {
    fn from(f: FailOn) -> diff::FailOn {
        match f {
            FailOn::Breaking => diff::FailOn::ClientBreaking,
            FailOn::ServerBreaking => diff::FailOn::ServerBreaking,
            FailOn::AnyBreaking => diff::FailOn::AnyBreaking,
            FailOn::Major => diff::FailOn::Major,
        }
    }
}

/// The generator allocates and frees tens of millions of small blocks (JSON values, tokens,
/// syntax trees); mimalloc does that in a fraction of the system allocator's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack of the thread that runs the generator: specs nest schemas deeply, and parsing and
/// lowering follow the nesting.
const STACK_SIZE: usize = 256 * 1024 * 1024;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if let Command::Diff { old, new, .. } = &mut cli.command {
        if new.is_empty() {
            // `diff old.yaml new.yaml`: without `--`, exactly one file a side.
            if old.len() != 2 {
                Cli::command()
                    .error(
                        clap::error::ErrorKind::WrongNumberOfValues,
                        format!(
                            "`diff` takes two spec files (old, new), or the old version's files, \
                             `--`, and the new version's; got {} file(s) and no `--`",
                            old.len()
                        ),
                    )
                    .exit();
            }
            new.extend(old.pop());
        }
    }
    let worker = std::thread::Builder::new()
        .name("openapi-forge".into())
        .stack_size(STACK_SIZE)
        .spawn(move || run(cli));
    let result = match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("internal error: the generator panicked"))),
        Err(e) => Err(anyhow::anyhow!("cannot start the generator thread: {e}")),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Generate {
            specs,
            out,
            crate_name,
            select,
        } => {
            let crate_name = match crate_name {
                Some(n) => n,
                None => out
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .filter(|n| !n.is_empty() && n != "." && n != "..")
                    .context("cannot derive a crate name from --out; pass --crate-name")?,
            };
            let crate_name = crate_name.replace(
                |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
                "-",
            );
            let source_label = specs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let config = Config {
                specs,
                crate_name,
                source_label,
                regenerate_command: "openapi-forge generate".into(),
                selection: select.into(),
            };
            let mut run = Report::default();
            match openapi_forge::generate_reporting(&config, &mut run) {
                Ok((output, warnings)) => {
                    report(&warnings);
                    if let Some(summary) = &run.selected {
                        eprintln!("{summary}");
                    }
                    output
                        .write(&out)
                        .with_context(|| format!("cannot write to {}", out.display()))?;
                    eprintln!("wrote {} files to {}", output.files.len(), out.display());
                    Ok(ExitCode::SUCCESS)
                }
                Err(diags) => {
                    report(&diags);
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Check { specs, select } => {
            let config = Config {
                specs,
                crate_name: "check".into(),
                source_label: String::new(),
                regenerate_command: String::new(),
                selection: select.into(),
            };
            let mut run = Report::default();
            match openapi_forge::build_api_reporting(&config, &mut run) {
                Ok((api, warnings)) => {
                    report(&warnings);
                    if let Some(summary) = &run.selected {
                        eprintln!("{summary}");
                    }
                    eprintln!(
                        "ok: {} operations, {} types",
                        api.operations.len(),
                        api.types.len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(diags) => {
                    report(&diags);
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
        } => diff(&old, &new, format, fail_on),
        Command::Completions { shell } => {
            // Written to a buffer first: clap_complete panics when it cannot write (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "openapi-forge", &mut script);
            std::io::Write::write_all(&mut std::io::stdout().lock(), &script)
                .context("cannot write the completion script")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn diff(
    old: &[PathBuf],
    new: &[PathBuf],
    format: Format,
    fail_on: Option<FailOn>,
) -> anyhow::Result<ExitCode> {
    let report = match diff::diff_specs(old, new) {
        Ok(report) => report,
        Err(e) => {
            let (side, diags) = match &e {
                DiffError::Old(diags) => ("old", diags),
                DiffError::New(diags) => ("new", diags),
            };
            report(diags);
            eprintln!("the {side} version cannot be read");
            return Ok(ExitCode::from(1));
        }
    };
    match format {
        Format::Markdown => println!("{}", report.markdown(&Markdown::default())),
        Format::Json => println!(
            "{}",
            report
                .to_json()
                .context("cannot write the report as JSON")?
        ),
    }
    if fail_on.is_some_and(|f| report.fails(f.into())) {
        eprintln!("diff: {}", report.summary_line());
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}

fn report(diags: &Diagnostics) {
    for d in diags.iter() {
        eprintln!("{d}");
    }
    let errors = diags.error_count();
    if errors > 0 {
        eprintln!("{errors} error(s)");
    }
}
