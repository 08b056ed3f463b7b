//! `cargo xtask`: workspace tasks.

use clap::{Parser, Subcommand, ValueEnum};
use openapi_forge::diff;
use xtask::{codegen, workspace_root, Mode, REGENERATE};

mod realworld;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Workspace tasks of openapi-forge")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerates every crate in generated/ from specs/.
    Codegen {
        /// Change nothing; fail, naming each stale file, when generated/ is not up to date.
        #[arg(long)]
        check: bool,
    },
    /// Runs the generator on every OpenAPI 3.0, 3.1 and Swagger 2.0 spec of the APIs.guru directory and on GitHub's
    /// REST spec (downloaded from npm into .cache/), checks a sample of the crates, and writes
    /// CORPUS.md.
    Corpus {
        /// Generate only every N-th spec (default: all of them).
        #[arg(long, value_name = "N")]
        sample: Option<usize>,
        /// How many specs the sample holds that every tool generates and that are checked with
        /// `cargo clippy --all-features -- -D warnings` (GitHub's spec is added to them).
        #[arg(long, value_name = "N", default_value_t = 200)]
        compile: usize,
        /// Leave the peers (progenitor, OpenAPI Generator) out of the sample.
        #[arg(long)]
        no_peers: bool,
        /// Limit in seconds for one peer generation or one check of a crate (checking GitHub's
        /// crate with all features takes about 14 minutes on 2 busy cores).
        #[arg(long, default_value_t = 2400)]
        timeout: u64,
        /// Keep what an interrupted run of the same commit and settings measured (its journal
        /// is `target/corpus/journal.tsv`; the peers' results, which do not depend on the
        /// commit, are kept in `target/corpus/peers.tsv` across commits) and do only the rest.
        #[arg(long)]
        resume: bool,
        /// How many specs of the sample (GitHub's aside) have every example decoded with the
        /// generated types and encoded again, compared and judged against its schema.
        #[arg(long, value_name = "N", default_value_t = 50)]
        examples: usize,
    },
    /// Serves the mock server of one API (`specs/<API>/`) on 127.0.0.1, with its spec at
    /// `/openapi.json`. Stops on Ctrl-C.
    Mock {
        /// The API: a folder name under specs/ (apono, beyondinsight, infoworks, infraon).
        api: String,
        /// Port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Accept only credentials equal to this secret (default: any credentials).
        #[arg(long)]
        secret: Option<String>,
    },
    /// Prints a Markdown report, ready to paste into a review, of what the spec changes since
    /// a git revision do to each API (whom they break, the semver bump of each crate), or one
    /// JSON document with the report of each API. Exits with status 3 when `--fail-on` finds
    /// such a change.
    Diff {
        /// The revision to compare with (default: the merge-base with `main`, or `HEAD~1`).
        #[arg(long, value_name = "GIT_REV")]
        base: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
        format: DiffFormat,
        /// Exit with status 3 when a change of this kind is found in any API.
        #[arg(long, value_enum, value_name = "WHAT")]
        fail_on: Option<FailOn>,
    },
    /// Benchmarks generation (against progenitor, OpenAPI Generator and the parse floor),
    /// codegen, `cargo check` of generated code and its runtime overhead; writes BENCHMARKS.md.
    /// Slow (tens of minutes with the peers); inputs are fetched with npm into .cache/.
    Bench {
        /// Runs of openapi-forge, the parse floor and `cargo check` (medians are reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Runs of each peer generator.
        #[arg(long, default_value_t = 1)]
        peer_runs: usize,
        /// How many of the largest APIs.guru specs to measure besides GitHub's.
        #[arg(long, default_value_t = 3)]
        corpus: usize,
        /// Time limit in seconds for any single measured command.
        #[arg(long, default_value_t = 600)]
        timeout: u64,
        /// Skip the peers.
        #[arg(long)]
        no_peers: bool,
        /// Requests per round of the runtime benchmark.
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
    },
    /// Installs real open-source services (Apache Airflow from PyPI, Directus from npm) into
    /// target/realworld/, starts each on 127.0.0.1, generates a client from the spec it serves
    /// and runs the driver in tests/realworld/<service>/ against it. Slow; not run in CI.
    Realworld {
        /// Services to run (default: all of them: airflow, directus).
        services: Vec<String>,
        /// Install again even when the pinned version is installed.
        #[arg(long)]
        reinstall: bool,
    },
}

/// Output formats of `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// A report to paste into a review.
    Markdown,
    /// One JSON document holding the report of each API (described in the README).
    Json,
}

/// What makes `diff` fail (as `openapi-forge diff --fail-on`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// A change that breaks existing clients on the wire (as oasdiff means "breaking"), or a
    /// removed API.
    #[value(alias = "client-breaking")]
    Breaking,
    /// A change that breaks existing servers on the wire (a new operation, a new optional
    /// request field...).
    ServerBreaking,
    /// A change that breaks clients or servers on the wire, or a removed API.
    AnyBreaking,
    /// A change that needs a major version of a generated crate, or a removed API.
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

/// `diff --fail-on` found such a change: the report is printed, and the exit status is 3, as
/// with `openapi-forge diff`.
#[derive(Debug)]
struct ChangesFound(Vec<String>);

impl std::fmt::Display for ChangesFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.join("\n"))
    }
}

impl std::error::Error for ChangesFound {}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => match e.downcast_ref::<ChangesFound>() {
            Some(found) => {
                for line in &found.0 {
                    eprintln!("diff: {line}");
                }
                std::process::ExitCode::from(3)
            }
            None => {
                eprintln!("error: {e:#}");
                std::process::ExitCode::FAILURE
            }
        },
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Bench {
            runs,
            peer_runs,
            corpus,
            timeout,
            no_peers,
            requests,
        } => xtask::bench::bench(
            &workspace_root(),
            &xtask::bench::Options {
                runs,
                peer_runs,
                corpus,
                timeout,
                no_peers,
                requests,
            },
        ),
        Command::Realworld {
            services,
            reinstall,
        } => realworld::run(
            &workspace_root(),
            &realworld::Options {
                services,
                reinstall,
            },
        ),
        Command::Diff {
            base,
            format,
            fail_on,
        } => {
            let root = workspace_root();
            let base = match base {
                Some(base) => base,
                None => xtask::default_base(&root)?,
            };
            let changes = xtask::spec_changes(&root, &base)?;
            match format {
                DiffFormat::Markdown => print!("{}", changes.markdown()),
                DiffFormat::Json => println!("{}", changes.to_json()?),
            }
            match fail_on.map(|f| changes.failures(f.into())) {
                Some(failures) if !failures.is_empty() => Err(ChangesFound(failures).into()),
                _ => Ok(()),
            }
        }
        Command::Codegen { check } => {
            let mode = if check { Mode::Check } else { Mode::Write };
            codegen(&workspace_root(), mode)?;
            match mode {
                Mode::Write => eprintln!("generated/ is up to date"),
                Mode::Check => {
                    eprintln!("generated/ is fresh (`{REGENERATE}` would change nothing)")
                }
            }
            Ok(())
        }
        Command::Corpus {
            sample,
            compile,
            no_peers,
            timeout,
            resume,
            examples,
        } => xtask::corpus::run(
            &workspace_root(),
            &xtask::corpus::Options {
                sample,
                compile,
                peers: !no_peers,
                timeout,
                resume,
                examples,
            },
        ),
        Command::Mock { api, port, secret } => {
            let root = workspace_root();
            let known = xtask::apis(&root)?;
            if !known.iter().any(|a| a.name == api) {
                let names: Vec<&str> = known.iter().map(|a| a.name.as_str()).collect();
                anyhow::bail!("unknown API `{api}`; the APIs are: {}", names.join(", "));
            }
            // The mock is an example of the generated crate, so that this task never has to
            // compile generated code to exist (and `codegen` keeps working when it is stale).
            let status = std::process::Command::new(env!("CARGO"))
                .current_dir(&root)
                .args([
                    "run",
                    "--quiet",
                    "--package",
                    &format!("{api}-api"),
                    "--features",
                    "server",
                ])
                .args([
                    "--example",
                    &format!("{api}-api-mock"),
                    "--",
                    "--port",
                    &port.to_string(),
                ])
                .args(
                    secret
                        .iter()
                        .flat_map(|s| ["--secret".to_string(), s.clone()]),
                )
                .status()?;
            if !status.success() {
                anyhow::bail!("the mock server of `{api}` exited with {status}");
            }
            Ok(())
        }
    }
}
