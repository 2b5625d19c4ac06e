//! `routeplay`: the command line over routeplay-core, for policy authors and CI.
//!
//! Each subcommand lives in its own file under `commands/`; this file only parses arguments and
//! maps results to exit codes. Helpers the subcommands share are named for what they are:
//! [`input`] (prompt sets and files, through the core's one reader), [`policies`] (catalog,
//! policies, classifier options) and [`output`] (standard output and exports).
//!
//! Exit codes: 0 success; 1 the command ran but found problems (policy errors, failed test
//! cases, bad input lines); 2 usage or I/O error (missing file, unreadable model, ...).
//! A closed standard output (`routeplay classify big.jsonl | head -1`) is not an error: the
//! command stops quietly with exit 0, as `rg … | head` does.

mod commands;
mod input;
mod output;
mod policies;
mod runs;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "routeplay",
    version,
    about = "See and test how LLM prompts get routed to models."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the cheap signals of a prompt (tokens, characters, code, language, PII) as JSON.
    Signals(commands::signals::Args),
    /// Classify prompts (JSONL, CSV or plain lines) into task labels with complexity.
    Classify(commands::classify::Args),
    /// Evaluate a model on labelled prompts (accuracy, macro-F1, confusion matrix).
    Eval(commands::eval::Args),
    /// Train a task/complexity model on labelled JSON Lines.
    Train(commands::train::Args),
    /// Check routing policies against the catalog: syntax, CEL types, unknown models, shadowed rules.
    Check(commands::check::Args),
    /// Route one prompt (or every prompt of a file) under one or more policies, with the trace.
    Route(commands::route::Args),
    /// Simulate a prompt set under policies: cost, quality, latency, shares, rule coverage.
    Simulate(commands::simulate::Args),
    /// Compare two policies over a prompt set: which prompts change route, with deltas.
    Diff(commands::diff::Args),
    /// Run expected-route test cases against a policy; exit 1 when one fails.
    Test(commands::test::Args),
    /// Export a policy to a gateway config (portkey, litellm, vllm-sr, bifrost, openrouter) with a fidelity report.
    Export(commands::export::Args),
    /// Print the request metadata to send with each prompt (what exported configs branch on).
    Annotate(commands::annotate::Args),
    /// Import a Portkey or LiteLLM config as a Routeplay policy, with a fidelity report.
    Import(commands::import::Args),
    /// Audit a policy's neutrality towards a house (makers/providers): steered prompts, premium, quality given up.
    Audit(commands::audit::Args),
    // New subcommands: add a variant here and an arm in `run` below.
}

/// What a subcommand reports back: success, or problems found (exit 1).
pub enum Outcome {
    /// Everything passed.
    Ok,
    /// The command ran to the end but found problems (already printed).
    Problems,
}

impl Outcome {
    /// `Problems` when `bad` is true.
    pub fn problems_if(bad: bool) -> Outcome {
        if bad {
            Outcome::Problems
        } else {
            Outcome::Ok
        }
    }
}

/// Why a subcommand stopped before its end.
#[derive(Debug)]
pub enum Failure {
    /// A usage or I/O error, printed as `routeplay: error: …` (exit 2).
    Error(String),
    /// Whoever read standard output has gone (`| head`): stop quietly (exit 0).
    ClosedPipe,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Error(message)
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Self {
        Failure::Error(message.to_string())
    }
}

impl From<std::io::Error> for Failure {
    /// A write to standard output failed: a closed pipe is a quiet stop, anything else an error.
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::ClosedPipe
        } else {
            Failure::Error(format!("cannot write output: {e}"))
        }
    }
}

/// What every subcommand returns.
pub type CmdResult = Result<Outcome, Failure>;

fn run(cli: Cli) -> CmdResult {
    match cli.command {
        Command::Signals(args) => commands::signals::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Route(args) => commands::route::run(args),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Test(args) => commands::test::run(args),
        Command::Classify(args) => commands::classify::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Train(args) => commands::train::run(args),
        Command::Export(args) => commands::export::run(args),
        Command::Annotate(args) => commands::annotate::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Audit(args) => commands::audit::run(args),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Ok) | Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(Failure::Error(message)) => {
            eprintln!("routeplay: error: {message}");
            ExitCode::from(2)
        }
    }
}
