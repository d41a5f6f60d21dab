//! The `studio-lcc` binary: parse arguments, set up logging, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use studio_lcc::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    studio_lcc::telemetry::init(cli.log_format, cli.log.as_deref(), cli.command.is_service());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: failed to start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}
