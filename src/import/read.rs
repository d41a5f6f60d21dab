//! The SageMaker calls of `import`: everything one domain sets, and the LCCs it refers to.
//!
//! 1. Find the domain (DescribeDomain by id, or ListDomains by name).
//! 2. Side by side: every user profile (ListUserProfiles, DescribeUserProfile), every space
//!    (ListSpaces, DescribeSpace), and every LCC (ListStudioLifecycleConfigs).
//! 3. For each LCC some slot refers to: its tags (ListTags) and bytes
//!    (DescribeStudioLifecycleConfig).
//!
//! Describe calls run concurrently, at most `concurrency` at a time.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::{StreamExt, TryStreamExt, stream};
use tracing::debug;

use super::Source;
use crate::live::convert;
use crate::live::{LiveDomain, LiveLcc, LiveResource, ReadError};
use crate::manifest::names;
use crate::model::AppType;

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
    let reader = Reader {
        client,
        concurrency: concurrency.max(1),
    };
    let id = reader.domain_id(domain).await?;
    let mut live = reader.describe_domain(&id).await?;
    let (profiles, spaces, lccs) =
        futures::join!(reader.profiles(&id), reader.spaces(&id), reader.list_lccs());
    for profile in profiles? {
        live.user_profiles
            .insert(profile.name.to_lowercase(), profile);
    }
    for space in spaces? {
        live.spaces.insert(space.name.clone(), space);
    }
    let lccs = reader.referenced(&live, lccs?).await?;
    debug!(
        domain = %id,
        user_profiles = live.user_profiles.len(),
        spaces = live.spaces.len(),
        lccs = lccs.len(),
        "Read the domain to import."
    );
    Ok(Source { domain: live, lccs })
}

struct Reader<'a> {
    client: &'a Client,
    concurrency: usize,
}

fn not_found<E: ProvideErrorMetadata>(err: &E) -> bool {
    err.code() == Some("ResourceNotFound")
}

impl Reader<'_> {
    /// The id of the domain named by id or by name.
    async fn domain_id(&self, domain: &str) -> Result<String, ImportError> {
        if names::domain_id(domain).is_ok() {
            let result = self.client.describe_domain().domain_id(domain).send().await;
            match result {
                Ok(_) => return Ok(domain.to_owned()),
                Err(e) if not_found(&e) => {}
                Err(e) => {
                    return Err(ReadError::call(&format!("describe domain `{domain}`"), &e).into());
                }
            }
        }
        let mut pages = self
            .client
            .list_domains()
            .max_results(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| ReadError::call("list domains", &e))?;
            let found = page
                .domains
                .unwrap_or_default()
                .into_iter()
                .find(|d| d.domain_name.as_deref() == Some(domain));
            if let Some(id) = found.and_then(|d| d.domain_id) {
                return Ok(id);
            }
        }
        Err(ImportError::DomainNotFound(domain.to_owned()))
    }

    async fn describe_domain(&self, id: &str) -> Result<LiveDomain, ReadError> {
        let out = self.client.describe_domain().domain_id(id).send().await;
        let out = out.map_err(|e| ReadError::call(&format!("describe domain `{id}`"), &e))?;
        Ok(LiveDomain {
            key: out.domain_name.clone().unwrap_or_default(),
            id: id.to_owned(),
            name: out.domain_name.clone().unwrap_or_else(|| id.to_owned()),
            arn: out.domain_arn.clone().unwrap_or_default(),
            status: out
                .status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            default_user: convert::user_settings(out.default_user_settings.as_ref()),
            default_space: convert::space_defaults(out.default_space_settings.as_ref()),
            ..LiveDomain::default()
        })
    }

    async fn profiles(&self, domain_id: &str) -> Result<Vec<LiveResource>, ReadError> {
        let mut names = Vec::new();
        let request = self.client.list_user_profiles().domain_id_equals(domain_id);
        let mut pages = request.max_results(100).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                ReadError::call(&format!("list user profiles of `{domain_id}`"), &e)
            })?;
            let listed = page.user_profiles.unwrap_or_default().into_iter();
            names.extend(listed.filter_map(|p| p.user_profile_name));
        }
        stream::iter(names)
            .map(|name| self.describe_profile(domain_id, name))
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await
    }

    async fn describe_profile(
        &self,
        domain_id: &str,
        name: String,
    ) -> Result<LiveResource, ReadError> {
        let request = self.client.describe_user_profile().domain_id(domain_id);
        let out = request.user_profile_name(&name).send().await.map_err(|e| {
            ReadError::call(
                &format!("describe user profile `{name}` in `{domain_id}`"),
                &e,
            )
        })?;
        Ok(LiveResource {
            name: out.user_profile_name.clone().unwrap_or(name),
            status: out
                .status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            settings: convert::user_settings(out.user_settings.as_ref()),
        })
    }

    async fn spaces(&self, domain_id: &str) -> Result<Vec<LiveResource>, ReadError> {
        let mut names = Vec::new();
        let request = self.client.list_spaces().domain_id_equals(domain_id);
        let mut pages = request.max_results(100).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| ReadError::call(&format!("list spaces of `{domain_id}`"), &e))?;
            let listed = page.spaces.unwrap_or_default().into_iter();
            names.extend(listed.filter_map(|s| s.space_name));
        }
        stream::iter(names)
            .map(|name| self.describe_space(domain_id, name))
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await
    }

    async fn describe_space(
        &self,
        domain_id: &str,
        name: String,
    ) -> Result<LiveResource, ReadError> {
        let request = self.client.describe_space().domain_id(domain_id);
        let out = request.space_name(&name).send().await.map_err(|e| {
            ReadError::call(&format!("describe space `{name}` in `{domain_id}`"), &e)
        })?;
        Ok(LiveResource {
            name: out.space_name.clone().unwrap_or(name),
            status: out
                .status
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            settings: convert::space_settings(out.space_settings.as_ref()),
        })
    }

    /// Every LCC in the account and region, by ARN, without tags or content.
    async fn list_lccs(&self) -> Result<BTreeMap<String, LiveLcc>, ReadError> {
        let mut lccs = BTreeMap::new();
        let request = self.client.list_studio_lifecycle_configs().max_results(100);
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| ReadError::call("list lifecycle configs", &e))?;
            for item in page.studio_lifecycle_configs.unwrap_or_default() {
                let app_type = item
                    .studio_lifecycle_config_app_type
                    .as_ref()
                    .and_then(|t| AppType::from_wire(t.as_str()));
                let (Some(name), Some(arn), Some(app_type)) = (
                    item.studio_lifecycle_config_name,
                    item.studio_lifecycle_config_arn,
                    app_type,
                ) else {
                    continue;
                };
                let created = item.creation_time.map_or(0.0, |t| t.as_secs_f64());
                let lcc = LiveLcc {
                    name,
                    arn: arn.clone(),
                    app_type,
                    created,
                    tags: None,
                    content: None,
                };
                lccs.insert(arn, lcc);
            }
        }
        Ok(lccs)
    }

    /// The LCCs some slot of `domain` refers to, with their tags and bytes.
    async fn referenced(
        &self,
        domain: &LiveDomain,
        mut lccs: BTreeMap<String, LiveLcc>,
    ) -> Result<BTreeMap<String, LiveLcc>, ReadError> {
        let used: BTreeSet<String> = domain
            .scopes()
            .iter()
            .flat_map(|(_, settings)| settings.slots.values())
            .flat_map(|slot| slot.arns().cloned().collect::<Vec<_>>())
            .collect();
        lccs.retain(|arn, _| used.contains(arn));
        stream::iter(lccs.into_values())
            .map(|lcc| self.complete(lcc))
            .buffer_unordered(self.concurrency)
            .map_ok(|lcc| (lcc.arn.clone(), lcc))
            .try_collect()
            .await
    }

    /// Adds the tags and the decoded content.
    async fn complete(&self, mut lcc: LiveLcc) -> Result<LiveLcc, ReadError> {
        let mut tags = BTreeMap::new();
        let request = self
            .client
            .list_tags()
            .resource_arn(&lcc.arn)
            .max_results(100);
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| ReadError::call(&format!("list tags of `{}`", lcc.arn), &e))?;
            for tag in page.tags.unwrap_or_default() {
                if let (Some(key), Some(value)) = (tag.key, tag.value) {
                    tags.insert(key, value);
                }
            }
        }
        let request = self.client.describe_studio_lifecycle_config();
        let out = request.studio_lifecycle_config_name(&lcc.name).send().await;
        let out = out.map_err(|e| {
            ReadError::call(&format!("describe lifecycle config `{}`", lcc.name), &e)
        })?;
        let encoded = out.studio_lifecycle_config_content.unwrap_or_default();
        let content = STANDARD.decode(encoded).map_err(|e| {
            ReadError::Unexpected(format!("content of `{}` is not base64: {e}", lcc.name))
        })?;
        lcc.tags = Some(tags);
        lcc.content = Some(content);
        Ok(lcc)
    }
}
