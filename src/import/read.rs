//! The SageMaker calls of `import`, through the live reader's building blocks:
//!
//! 1. the domain, by id or else by name, with every user profile and space
//!    ([`crate::live::read_whole_domain`]);
//! 2. every LCC, with the tags and bytes of those some slot of the domain refers to
//!    ([`crate::live::read_lccs`]).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_sagemaker::Client;
use tracing::debug;

use super::Source;
use crate::live::{LiveDomain, ReadError, ReadOptions, read_lccs, read_whole_domain};
use crate::manifest::names;
use crate::model::DomainSelector;

/// Why a domain could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// No domain has this id or name.
    #[error("no domain has the id or name `{0}`")]
    DomainNotFound(String),
    /// A SageMaker call failed.
    #[error(transparent)]
    Read(#[from] ReadError),
}

/// Reads what [`super::import`] needs about the domain `domain` (an id or a name).
///
/// # Errors
///
/// [`ImportError::DomainNotFound`] when no domain matches; [`ImportError::Read`] when a call
/// fails after the client's retries.
pub async fn read(
    client: &Client,
    domain: &str,
    concurrency: usize,
) -> Result<Source, ImportError> {
    let options = ReadOptions { concurrency };
    let live = find_domain(client, domain, options).await?;
    let used = referenced_arns(&live);
    let by_name = read_lccs(client, options, |lcc| used.contains(&lcc.arn)).await?;
    let lccs: BTreeMap<String, _> = by_name
        .into_values()
        .filter(|lcc| used.contains(&lcc.arn))
        .map(|lcc| (lcc.arn.clone(), lcc))
        .collect();
    debug!(
        domain = %live.id,
        user_profiles = live.user_profiles.len(),
        spaces = live.spaces.len(),
        lccs = lccs.len(),
        "Read the domain to import."
    );
    Ok(Source { domain: live, lccs })
}

/// The domain by id when `domain` is a valid id and exists, else by name.
async fn find_domain(
    client: &Client,
    domain: &str,
    options: ReadOptions,
) -> Result<LiveDomain, ImportError> {
    if names::domain_id(domain).is_ok() {
        let by_id = DomainSelector::Id(domain.to_owned());
        if let Some(live) = read_whole_domain(client, &by_id, options).await? {
            return Ok(named(live));
        }
    }
    let by_name = DomainSelector::Name(domain.to_owned());
    match read_whole_domain(client, &by_name, options).await? {
        Some(live) => Ok(named(live)),
        None => Err(ImportError::DomainNotFound(domain.to_owned())),
    }
}

/// The manifest key of an imported domain is its name.
fn named(mut live: LiveDomain) -> LiveDomain {
    if live.name.is_empty() {
        live.name.clone_from(&live.id);
    }
    live.key.clone_from(&live.name);
    live
}

/// Every LCC ARN some slot of the domain refers to.
fn referenced_arns(domain: &LiveDomain) -> BTreeSet<String> {
    domain
        .scopes()
        .iter()
        .flat_map(|(_, settings)| settings.slots.values())
        .flat_map(|slot| slot.arns().cloned().collect::<Vec<_>>())
        .collect()
}
