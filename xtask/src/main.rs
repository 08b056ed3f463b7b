//! `cargo xtask`: workspace tasks.

use clap::{Parser, Subcommand};
use xtask::{codegen, workspace_root, Mode, REGENERATE};

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
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
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
