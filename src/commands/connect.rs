//! Where SageMaker calls go: a real account through the standard AWS chain, an endpoint URL,
//! or an in-process sandbox whose state lives in a file.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use aws_sdk_sagemaker::Client;

use crate::aws::{AwsOptions, client_from_env, sandbox_client};
use crate::model::{DesiredState, DomainSelector};
use crate::sandbox::{Sandbox, SandboxConfig};

/// AWS settings shared by every command that calls SageMaker.
#[derive(Debug, Clone, clap::Args)]
pub struct AwsArgs {
    /// AWS region (default: the standard chain's).
    #[arg(long, env = "AWS_REGION")]
    pub region: Option<String>,
    /// Named profile from the shared AWS config.
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// SageMaker endpoint URL (a sandbox, or a VPC endpoint).
    #[arg(long, env = "STUDIO_LCC_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Run against an in-process sandbox with static test credentials; no AWS account needed.
    /// `--region`, `--profile` and `--endpoint-url` are then ignored.
    #[arg(long)]
    pub sandbox: bool,
    /// The sandbox's state file.
    #[arg(long, default_value = ".studio-lcc/sandbox.json")]
    pub sandbox_state: PathBuf,
    /// SageMaker calls in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Attempts per call, throttling retries included.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=50))]
    pub max_attempts: u32,
}

/// A client, and the sandbox it talks to when `--sandbox` is set.
pub struct Connection {
    /// The SageMaker client.
    pub client: Client,
    /// The in-process sandbox, shut down by [`Connection::close`].
    pub sandbox: Option<Sandbox>,
}

impl Connection {
    /// Stops the in-process sandbox, writing its state file.
    ///
    /// # Errors
    ///
    /// The sandbox's state file cannot be written.
    pub async fn close(self) -> anyhow::Result<()> {
        if let Some(sandbox) = self.sandbox {
            sandbox
                .shutdown()
                .await
                .context("failed to stop the sandbox")?;
        }
        Ok(())
    }
}

/// Connects as the flags say; with `--sandbox`, also creates whatever the manifest names.
///
/// # Errors
///
/// The sandbox cannot start or be seeded.
pub async fn connect(args: &AwsArgs, desired: &DesiredState) -> anyhow::Result<Connection> {
    if !args.sandbox {
        let options = AwsOptions {
            region: args.region.clone(),
            profile: args.profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
            max_attempts: args.max_attempts,
        };
        return Ok(Connection {
            client: client_from_env(&options).await,
            sandbox: None,
        });
    }
    let sandbox = start_sandbox(args).await?;
    let client = sandbox_client(&sandbox.endpoint_url(), args.max_attempts);
    seed(&sandbox, &client, desired).await?;
    Ok(Connection {
        client,
        sandbox: Some(sandbox),
    })
}

async fn start_sandbox(args: &AwsArgs) -> anyhow::Result<Sandbox> {
    if let Some(dir) = args
        .sandbox_state
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create `{}`", dir.display()))?;
    }
    let config = SandboxConfig {
        state_path: Some(args.sandbox_state.clone()),
        update_delay: Duration::from_millis(200),
        ..SandboxConfig::default()
    };
    let sandbox = crate::sandbox::start(config).await.with_context(|| {
        format!(
            "failed to start the sandbox on `{}`",
            args.sandbox_state.display()
        )
    })?;
    crate::telemetry::note(&format!(
        "using the local sandbox at {} (state in `{}`)",
        sandbox.endpoint_url(),
        args.sandbox_state.display()
    ));
    Ok(sandbox)
}

/// Creates, as `InService`, every domain, user profile (without `create: true`) and space the
/// manifest names that the sandbox does not have yet, and says so.
async fn seed(sandbox: &Sandbox, client: &Client, desired: &DesiredState) -> anyhow::Result<()> {
    for domain in &desired.domains {
        let id = seed_domain(sandbox, client, &domain.selector).await?;
        for profile in domain.user_profiles.iter().filter(|p| p.create.is_none()) {
            let found = client
                .describe_user_profile()
                .domain_id(&id)
                .user_profile_name(&profile.name)
                .send()
                .await
                .is_ok();
            if !found {
                sandbox.seed_user_profile(&id, &profile.name)?;
                let note = format!("created user profile `{}` in the sandbox", profile.name);
                crate::telemetry::note(&note);
            }
        }
        for space in &domain.spaces {
            let found = client
                .describe_space()
                .domain_id(&id)
                .space_name(space)
                .send()
                .await
                .is_ok();
            if !found {
                sandbox.seed_space(&id, space)?;
                crate::telemetry::note(&format!("created space `{space}` in the sandbox"));
            }
        }
    }
    Ok(())
}

async fn seed_domain(
    sandbox: &Sandbox,
    client: &Client,
    selector: &DomainSelector,
) -> anyhow::Result<String> {
    let existing = match selector {
        DomainSelector::Id(id) => client
            .describe_domain()
            .domain_id(id)
            .send()
            .await
            .ok()
            .map(|_| id.clone()),
        DomainSelector::Name(name) => domain_id_by_name(client, name).await,
    };
    if let Some(id) = existing {
        return Ok(id);
    }
    let seeded = match selector {
        DomainSelector::Id(id) => sandbox.seed_domain(Some(id), None)?,
        DomainSelector::Name(name) => sandbox.seed_domain(None, Some(name))?,
    };
    crate::telemetry::note(&format!("created {selector} in the sandbox"));
    Ok(seeded.id)
}

async fn domain_id_by_name(client: &Client, name: &str) -> Option<String> {
    let mut pages = client
        .list_domains()
        .max_results(100)
        .into_paginator()
        .send();
    while let Some(Ok(page)) = pages.next().await {
        for domain in page.domains.unwrap_or_default() {
            if domain.domain_name.as_deref() == Some(name) {
                return domain.domain_id;
            }
        }
    }
    None
}
