//! The reader: one snapshot per run, each call made once, concurrently under a bound.
//!
//! Reads, in order:
//!
//! 1. side by side: every LCC (ListStudioLifecycleConfigs, all pages) and then the tags of the
//!    candidates (names of the form `<name>-<8 hex>`, and adopted names); and each managed
//!    domain (ListDomains only when one is named by name, then DescribeDomain) with the user
//!    profiles and spaces the manifest names;
//! 2. only when an owned LCC is not a current version: every other profile and space of the
//!    managed domains, and their running apps, to find every reference (see [`scan`]);
//! 3. the content of the versions the plan diffs against, and of adopted LCCs.
//!
//! Every call takes a permit from one semaphore, so at most `concurrency` calls are in flight
//! whatever runs side by side.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::Client;
use futures::{StreamExt, TryStreamExt, stream};
use tokio::sync::{Semaphore, SemaphorePermit};
use tracing::debug;

use super::convert;
use super::snapshot::{LiveDomain, LiveLcc, LiveResource, Snapshot, arn_prefix_of};
use crate::model::{DesiredDomain, DesiredState, DomainSelector};
use crate::plan;

mod calls;
mod scan;

pub use calls::ReadError;

/// How the reader behaves.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Calls in flight at once.
    pub concurrency: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { concurrency: 4 }
    }
}

/// Reads what the plan for `desired` needs.
///
/// # Errors
///
/// The first SageMaker call that fails after the client's retries.
pub async fn read(
    client: &Client,
    desired: &DesiredState,
    options: ReadOptions,
) -> Result<Snapshot, ReadError> {
    let reader = Reader::new(client, options.concurrency);
    let (lccs, domains) = futures::join!(reader.tagged_lccs(desired), reader.read_domains(desired));
    let mut snapshot = Snapshot {
        lccs: lccs?,
        domains: domains?,
        ..Snapshot::default()
    };
    snapshot.arn_prefix = arn_prefix(&snapshot);
    if plan::needs_full_scan(desired, &snapshot) {
        reader.full_scan(desired, &mut snapshot).await?;
    }
    reader.read_contents(desired, &mut snapshot).await?;
    debug!(
        lccs = snapshot.lccs.len(),
        full_scan = snapshot.full_scan,
        "Read live state."
    );
    Ok(snapshot)
}

/// Reads one domain, by id or name, with every user profile and space (apps are not read).
///
/// # Errors
///
/// A SageMaker call fails after the client's retries.
pub async fn read_whole_domain(
    client: &Client,
    selector: &DomainSelector,
    options: ReadOptions,
) -> Result<Option<LiveDomain>, ReadError> {
    let reader = Reader::new(client, options.concurrency);
    let id = match selector {
        DomainSelector::Id(id) => Some(id.clone()),
        DomainSelector::Name(name) => reader.domain_ids_by_name().await?.remove(name),
    };
    let Some(id) = id else { return Ok(None) };
    let Some(mut domain) = reader.describe_domain(&id).await? else {
        return Ok(None);
    };
    reader.scan_resources(&mut domain).await?;
    Ok(Some(domain))
}

/// Every LCC in the account, by name; `detail` picks those whose tags and content are read.
///
/// # Errors
///
/// A SageMaker call fails after the client's retries.
pub async fn read_lccs(
    client: &Client,
    options: ReadOptions,
    detail: impl Fn(&LiveLcc) -> bool,
) -> Result<BTreeMap<String, LiveLcc>, ReadError> {
    let reader = Reader::new(client, options.concurrency);
    let mut lccs = reader.list_lccs().await?;
    let picked: Vec<LiveLcc> = lccs.values().filter(|lcc| detail(lcc)).cloned().collect();
    let detailed: Vec<LiveLcc> = stream::iter(picked)
        .map(|mut lcc| {
            let reader = &reader;
            async move {
                let (tags, content) = futures::join!(
                    reader.list_tags(&lcc.arn),
                    reader.describe_content(&lcc.name)
                );
                lcc.tags = Some(tags?);
                lcc.content = Some(content?);
                Ok::<_, ReadError>(lcc)
            }
        })
        .buffer_unordered(reader.concurrency)
        .try_collect()
        .await?;
    for lcc in detailed {
        lccs.insert(lcc.name.clone(), lcc);
    }
    Ok(lccs)
}

pub(super) struct Reader<'a> {
    pub(super) client: &'a Client,
    /// How many futures a stream drives at once (the semaphore bounds the calls).
    pub(super) concurrency: usize,
    /// One permit per SageMaker call in flight.
    limit: Semaphore,
}

impl<'a> Reader<'a> {
    fn new(client: &'a Client, concurrency: usize) -> Reader<'a> {
        let concurrency = concurrency.max(1);
        Reader {
            client,
            concurrency,
            limit: Semaphore::new(concurrency),
        }
    }
}

impl Reader<'_> {
    /// Waits for a free call slot.
    pub(super) async fn permit(&self) -> SemaphorePermit<'_> {
        // NB: the semaphore is never closed, so acquiring cannot fail.
        self.limit
            .acquire()
            .await
            .expect("the reader's semaphore is never closed")
    }

    async fn tagged_lccs(
        &self,
        desired: &DesiredState,
    ) -> Result<BTreeMap<String, LiveLcc>, ReadError> {
        let mut lccs = self.list_lccs().await?;
        let adopted: Vec<&str> = desired
            .scripts
            .iter()
            .filter_map(|v| v.adopt.as_deref())
            .collect();
        let candidates: Vec<(String, String)> = lccs
            .values()
            .filter(|lcc| is_versioned_name(&lcc.name) || adopted.contains(&lcc.name.as_str()))
            .map(|lcc| (lcc.name.clone(), lcc.arn.clone()))
            .collect();
        let tagged: Vec<(String, BTreeMap<String, String>)> = stream::iter(candidates)
            .map(|(name, arn)| async move { Ok((name, self.list_tags(&arn).await?)) })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        for (name, tags) in tagged {
            if let Some(lcc) = lccs.get_mut(&name) {
                lcc.tags = Some(tags);
            }
        }
        Ok(lccs)
    }

    async fn list_lccs(&self) -> Result<BTreeMap<String, LiveLcc>, ReadError> {
        let mut lccs = BTreeMap::new();
        let request = self.client.list_studio_lifecycle_configs().max_results(100);
        let mut pages = request.into_paginator().send();
        loop {
            let permit = self.permit().await;
            let Some(page) = pages.next().await else {
                break;
            };
            drop(permit);
            let page = page.map_err(|e| ReadError::call("list lifecycle configs", &e))?;
            for item in page.studio_lifecycle_configs.unwrap_or_default() {
                if let Some(lcc) = calls::lcc_from_details(item) {
                    lccs.insert(lcc.name.clone(), lcc);
                }
            }
        }
        Ok(lccs)
    }

    async fn list_tags(&self, arn: &str) -> Result<BTreeMap<String, String>, ReadError> {
        let mut tags = BTreeMap::new();
        let mut pages = self
            .client
            .list_tags()
            .resource_arn(arn)
            .max_results(100)
            .into_paginator()
            .send();
        loop {
            let permit = self.permit().await;
            let Some(page) = pages.next().await else {
                break;
            };
            drop(permit);
            let page = page.map_err(|e| ReadError::call(&format!("list tags of `{arn}`"), &e))?;
            for tag in page.tags.unwrap_or_default() {
                if let (Some(key), Some(value)) = (tag.key, tag.value) {
                    tags.insert(key, value);
                }
            }
        }
        Ok(tags)
    }

    async fn read_domains(&self, desired: &DesiredState) -> Result<Vec<LiveDomain>, ReadError> {
        let by_name = if desired
            .domains
            .iter()
            .any(|d| matches!(d.selector, DomainSelector::Name(_)))
        {
            self.domain_ids_by_name().await?
        } else {
            BTreeMap::new()
        };
        let mut domains = Vec::new();
        for domain in &desired.domains {
            let id = match &domain.selector {
                DomainSelector::Id(id) => Some(id.clone()),
                DomainSelector::Name(name) => by_name.get(name).cloned(),
            };
            let Some(id) = id else { continue };
            if let Some(live) = self.read_domain(domain, &id).await? {
                domains.push(live);
            }
        }
        Ok(domains)
    }

    /// Domain ids by name (one ListDomains walk).
    async fn domain_ids_by_name(&self) -> Result<BTreeMap<String, String>, ReadError> {
        let mut ids = BTreeMap::new();
        let mut pages = self
            .client
            .list_domains()
            .max_results(100)
            .into_paginator()
            .send();
        loop {
            let permit = self.permit().await;
            let Some(page) = pages.next().await else {
                break;
            };
            drop(permit);
            let page = page.map_err(|e| ReadError::call("list domains", &e))?;
            for domain in page.domains.unwrap_or_default() {
                if let (Some(name), Some(id)) = (domain.domain_name, domain.domain_id) {
                    ids.insert(name, id);
                }
            }
        }
        Ok(ids)
    }

    /// The domain, and side by side the profiles and spaces the manifest names.
    async fn read_domain(
        &self,
        desired: &DesiredDomain,
        id: &str,
    ) -> Result<Option<LiveDomain>, ReadError> {
        let names: Vec<String> = desired
            .user_profiles
            .iter()
            .map(|p| p.name.clone())
            .collect();
        let (domain, profiles, spaces) = futures::join!(
            self.describe_domain(id),
            self.describe_profiles(id, names),
            self.describe_spaces(id, desired.spaces.clone())
        );
        let Some(mut domain) = domain? else {
            return Ok(None);
        };
        domain.key = desired.key.clone();
        for profile in profiles? {
            domain
                .user_profiles
                .insert(profile.name.to_lowercase(), profile);
        }
        for space in spaces? {
            domain.spaces.insert(space.name.clone(), space);
        }
        Ok(Some(domain))
    }

    async fn describe_domain(&self, id: &str) -> Result<Option<LiveDomain>, ReadError> {
        let permit = self.permit().await;
        let result = self.client.describe_domain().domain_id(id).send().await;
        drop(permit);
        let out = match result {
            Ok(out) => out,
            Err(e) if calls::is_not_found(&e) => return Ok(None),
            Err(e) => return Err(ReadError::call(&format!("describe domain `{id}`"), &e)),
        };
        Ok(Some(LiveDomain {
            id: id.to_owned(),
            name: out.domain_name.clone().unwrap_or_default(),
            arn: out.domain_arn.clone().unwrap_or_default(),
            status: out
                .status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            default_user: convert::user_settings(out.default_user_settings.as_ref()),
            default_space: convert::space_defaults(out.default_space_settings.as_ref()),
            ..LiveDomain::default()
        }))
    }

    async fn describe_profiles(
        &self,
        domain_id: &str,
        names: Vec<String>,
    ) -> Result<Vec<LiveResource>, ReadError> {
        let found: Vec<Option<LiveResource>> = stream::iter(names)
            .map(|name| async move { self.describe_profile(domain_id, &name).await })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }

    pub(super) async fn describe_profile(
        &self,
        domain_id: &str,
        name: &str,
    ) -> Result<Option<LiveResource>, ReadError> {
        let permit = self.permit().await;
        let request = self.client.describe_user_profile().domain_id(domain_id);
        let result = request.user_profile_name(name).send().await;
        drop(permit);
        match result {
            Ok(out) => Ok(Some(LiveResource {
                name: out
                    .user_profile_name
                    .clone()
                    .unwrap_or_else(|| name.to_owned()),
                status: out
                    .status
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                settings: convert::user_settings(out.user_settings.as_ref()),
            })),
            Err(e) if calls::is_not_found(&e) => Ok(None),
            Err(e) => {
                let action = format!("describe user profile `{name}` in `{domain_id}`");
                Err(ReadError::call(&action, &e))
            }
        }
    }

    async fn describe_spaces(
        &self,
        domain_id: &str,
        names: Vec<String>,
    ) -> Result<Vec<LiveResource>, ReadError> {
        let found: Vec<Option<LiveResource>> = stream::iter(names)
            .map(|name| async move { self.describe_space(domain_id, &name).await })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }

    pub(super) async fn describe_space(
        &self,
        domain_id: &str,
        name: &str,
    ) -> Result<Option<LiveResource>, ReadError> {
        let permit = self.permit().await;
        let request = self.client.describe_space().domain_id(domain_id);
        let result = request.space_name(name).send().await;
        drop(permit);
        match result {
            Ok(out) => Ok(Some(LiveResource {
                name: out.space_name.clone().unwrap_or_else(|| name.to_owned()),
                status: out
                    .status
                    .as_ref()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                settings: convert::space_settings(out.space_settings.as_ref()),
            })),
            Err(e) if calls::is_not_found(&e) => Ok(None),
            Err(e) => {
                let action = format!("describe space `{name}` in `{domain_id}`");
                Err(ReadError::call(&action, &e))
            }
        }
    }

    async fn read_contents(
        &self,
        desired: &DesiredState,
        snapshot: &mut Snapshot,
    ) -> Result<(), ReadError> {
        let names = plan::contents_needed(desired, snapshot);
        let contents: Vec<(String, Vec<u8>)> = stream::iter(names)
            .map(|name| async move { Ok((name.clone(), self.describe_content(&name).await?)) })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await?;
        for (name, content) in contents {
            if let Some(lcc) = snapshot.lccs.get_mut(&name) {
                lcc.content = Some(content);
            }
        }
        Ok(())
    }

    async fn describe_content(&self, name: &str) -> Result<Vec<u8>, ReadError> {
        let permit = self.permit().await;
        let request = self.client.describe_studio_lifecycle_config();
        let result = request.studio_lifecycle_config_name(name).send().await;
        drop(permit);
        let out = result
            .map_err(|e| ReadError::call(&format!("describe lifecycle config `{name}`"), &e))?;
        calls::decode_content(name, out.studio_lifecycle_config_content.as_deref())
    }
}

/// Whether a name looks like a content-addressed version: `<name>-<8 lowercase hex>`.
fn is_versioned_name(name: &str) -> bool {
    let Some((stem, hash)) = name.rsplit_once('-') else {
        return false;
    };
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    !stem.is_empty() && hash.len() == 8 && hash.bytes().all(is_hex)
}

fn arn_prefix(snapshot: &Snapshot) -> String {
    let domain_arns = snapshot.domains.iter().map(|d| d.arn.as_str());
    let lcc_arns = snapshot.lccs.values().map(|l| l.arn.as_str());
    domain_arns
        .chain(lcc_arns)
        .find_map(arn_prefix_of)
        .unwrap_or_default()
}
