//! The manifest: YAML in, a validated [`crate::model::DesiredState`] out.

pub mod cli;
mod decode;
mod diagnostic;
pub mod raw;
mod tree;

pub use diagnostic::{Diagnostic, Severity};
pub use tree::Pos;
