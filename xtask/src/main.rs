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
    }
}
