//! The sandbox: a local, wire-compatible SageMaker Studio control plane.

pub mod cli;
