//! The manifest: YAML in, a validated [`crate::model::DesiredState`] out.

pub mod cli;
