mod sandbox_admin;
mod sandbox_aws_cli;
mod sandbox_command;
mod sandbox_errors;
mod sandbox_sdk;
mod sandbox_state;
mod support;
