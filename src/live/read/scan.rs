//! The full scan: every user profile, space and app of the managed domains.
//!
//! It runs only when an owned LCC is not a current version, because only then can a profile
//! or space the manifest does not name hold a reference that must be repointed.

use std::collections::BTreeSet;

use aws_sdk_sagemaker::types::AppDetails;
use futures::{StreamExt, TryStreamExt, stream};

use super::calls::ReadError;
use super::{Reader, builtins_matter};
use crate::live::{AppOwner, LiveApp, Snapshot};
use crate::model::DesiredState;

impl Reader<'_> {
    pub(super) async fn full_scan(
        &self,
        desired: &DesiredState,
        snapshot: &mut Snapshot,
    ) -> Result<(), ReadError> {
        let builtins = builtins_matter(desired, snapshot);
        for domain in &mut snapshot.domains {
            let known: BTreeSet<String> = domain.user_profiles.keys().cloned().collect();
            let profiles = self.list_profiles(&domain.id).await?;
            let missing = profiles
                .into_iter()
                .filter(|n| !known.contains(&n.to_lowercase()));
            for profile in self
                .describe_profiles(&domain.id, missing.collect())
                .await?
            {
                domain
                    .user_profiles
                    .insert(profile.name.to_lowercase(), profile);
            }
            let spaces = self.list_spaces(&domain.id).await?;
            let missing: Vec<String> = spaces
                .into_iter()
                .filter(|n| !domain.spaces.contains_key(n))
                .collect();
            for space in self.describe_spaces(&domain.id, missing).await? {
                domain.spaces.insert(space.name.clone(), space);
            }
            domain.apps = self.running_apps(&domain.id, builtins).await?;
        }
        snapshot.full_scan = true;
        Ok(())
    }

    async fn list_profiles(&self, domain_id: &str) -> Result<Vec<String>, ReadError> {
        let mut names = Vec::new();
        let request = self.client.list_user_profiles().domain_id_equals(domain_id);
        let mut pages = request.max_results(100).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                ReadError::call(&format!("list user profiles of `{domain_id}`"), &e)
            })?;
            let profiles = page.user_profiles.unwrap_or_default();
            names.extend(profiles.into_iter().filter_map(|p| p.user_profile_name));
        }
        Ok(names)
    }

    async fn list_spaces(&self, domain_id: &str) -> Result<Vec<String>, ReadError> {
        let mut names = Vec::new();
        let request = self.client.list_spaces().domain_id_equals(domain_id);
        let mut pages = request.max_results(100).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| ReadError::call(&format!("list spaces of `{domain_id}`"), &e))?;
            let spaces = page.spaces.unwrap_or_default();
            names.extend(spaces.into_iter().filter_map(|s| s.space_name));
        }
        Ok(names)
    }

    /// Apps that are `Pending` or `InService`, with the built-in LCC they started with when
    /// old JupyterLab or Code Editor versions exist.
    async fn running_apps(
        &self,
        domain_id: &str,
        builtins: bool,
    ) -> Result<Vec<LiveApp>, ReadError> {
        let mut apps = Vec::new();
        let request = self.client.list_apps().domain_id_equals(domain_id);
        let mut pages = request.max_results(100).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| ReadError::call(&format!("list apps of `{domain_id}`"), &e))?;
            apps.extend(
                page.apps
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(live_app),
            );
        }
        apps.retain(LiveApp::is_running);
        if builtins {
            apps = self.with_builtins(domain_id, apps).await?;
        }
        Ok(apps)
    }

    async fn with_builtins(
        &self,
        domain_id: &str,
        apps: Vec<LiveApp>,
    ) -> Result<Vec<LiveApp>, ReadError> {
        stream::iter(apps)
            .map(|app| async move { self.app_builtin(domain_id, app).await })
            .buffer_unordered(self.concurrency)
            .try_collect()
            .await
    }

    async fn app_builtin(&self, domain_id: &str, mut app: LiveApp) -> Result<LiveApp, ReadError> {
        if !matches!(app.app_type.as_str(), "JupyterLab" | "CodeEditor") {
            return Ok(app);
        }
        let mut request = self
            .client
            .describe_app()
            .domain_id(domain_id)
            .app_type(app.app_type.as_str().into())
            .app_name(&app.name);
        request = match &app.owner {
            AppOwner::UserProfile(name) => request.user_profile_name(name),
            AppOwner::Space(name) => request.space_name(name),
        };
        match request.send().await {
            Ok(out) => app.builtin_arn = out.built_in_lifecycle_config_arn,
            Err(e) if super::calls::is_not_found(&e) => {}
            Err(e) => {
                return Err(ReadError::call(&format!("describe app `{}`", app.name), &e));
            }
        }
        Ok(app)
    }
}

fn live_app(app: AppDetails) -> Option<LiveApp> {
    let owner = match (app.space_name, app.user_profile_name) {
        (Some(space), _) => AppOwner::Space(space),
        (None, Some(profile)) => AppOwner::UserProfile(profile),
        (None, None) => return None,
    };
    Some(LiveApp {
        owner,
        app_type: app.app_type?.as_str().to_owned(),
        name: app.app_name?,
        status: app.status?.as_str().to_owned(),
        lcc_arn: app.resource_spec.and_then(|s| s.lifecycle_config_arn),
        builtin_arn: None,
    })
}
