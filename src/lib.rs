//! studio-lcc: a declarative, GitOps-style manager for SageMaker Studio lifecycle configurations.
//!
//! Where to start: [`model`] holds the types every stage shares; [`manifest`] turns YAML into a
//! [`model::DesiredState`]; [`sandbox`] is the local SageMaker control plane that every test
//! runs against; [`cli`] wires the commands together.

pub mod apply;
pub mod aws;
pub mod cli;
pub mod commands;
pub mod controller;
pub mod import;
pub mod live;
pub mod manifest;
pub mod model;
pub mod plan;
pub mod render;
pub mod sandbox;
pub mod telemetry;
