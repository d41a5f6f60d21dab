//! The full scan: every user profile, space and running app of the managed domains.
//!
//! It runs only when an owned LCC is not a current version, because only then can a profile
//! or space the manifest does not name hold a reference that must be repointed. Profiles,
//! spaces and apps are read side by side, and each listed page is described while the next
//! page is fetched.

use std::collections::BTreeSet;

use aws_sdk_sagemaker::types::AppDetails;
use futures::channel::mpsc;
use futures::{StreamExt, TryStreamExt, stream};

use super::Reader;
use super::calls::{ReadError, is_not_found};
use crate::live::{AppOwner, LiveApp, LiveDomain, LiveResource, Snapshot};
use crate::model::DesiredState;

/// Which kind of resource a listing is for.
#[derive(Clone, Copy)]
enum Kind {
    UserProfile,
    Space,
}

impl Reader<'_> {
    /// Known limitation: only the managed domains are scanned. A reference to an old version
    /// from a domain the manifest does not manage is found only when SageMaker refuses the
    /// delete with `ResourceInUse`; the version is then kept and reported. While any old
    /// version is kept, every plan pays for this full scan.
    pub(super) async fn full_scan(
        &self,
        desired: &DesiredState,
        snapshot: &mut Snapshot,
    ) -> Result<(), ReadError> {
        let builtins = builtins_matter(desired, snapshot);
        for domain in &mut snapshot.domains {
            self.scan_domain(domain, builtins).await?;
        }
        snapshot.full_scan = true;
        Ok(())
    }

    async fn scan_domain(&self, domain: &mut LiveDomain, builtins: bool) -> Result<(), ReadError> {
        let id = domain.id.clone();
        let (resources, apps) = futures::join!(
            self.scan_resources(domain),
            self.running_apps(&id, builtins)
        );
        resources?;
        domain.apps = apps?;
        Ok(())
    }

    /// Reads every user profile and space of the domain that was not read yet.
    pub(super) async fn scan_resources(&self, domain: &mut LiveDomain) -> Result<(), ReadError> {
        let known_profiles: BTreeSet<String> = domain.user_profiles.keys().cloned().collect();
        let known_spaces: BTreeSet<String> = domain.spaces.keys().cloned().collect();
        let (profiles, spaces) = futures::join!(
            self.list_and_describe(&domain.id, Kind::UserProfile, &known_profiles),
            self.list_and_describe(&domain.id, Kind::Space, &known_spaces)
        );
        for profile in profiles? {
            domain
                .user_profiles
                .insert(profile.name.to_lowercase(), profile);
        }
        for space in spaces? {
            domain.spaces.insert(space.name.clone(), space);
        }
        Ok(())
    }

    /// Lists every page and describes what it names (skipping `known`, lowercase for
    /// profiles), describing one page while the next is fetched.
    async fn list_and_describe(
        &self,
        domain_id: &str,
        kind: Kind,
        known: &BTreeSet<String>,
    ) -> Result<Vec<LiveResource>, ReadError> {
        let (names, receiver) = mpsc::unbounded::<String>();
        let listing = self.list_names(domain_id, kind, known, names);
        let describing = receiver
            .map(|name| async move {
                match kind {
                    Kind::UserProfile => self.describe_profile(domain_id, &name).await,
                    Kind::Space => self.describe_space(domain_id, &name).await,
                }
            })
            .buffer_unordered(self.concurrency)
            .try_collect::<Vec<Option<LiveResource>>>();
        let (listed, described) = futures::join!(listing, describing);
        listed?;
        Ok(described?.into_iter().flatten().collect())
    }

    async fn list_names(
        &self,
        domain_id: &str,
        kind: Kind,
        known: &BTreeSet<String>,
        names: mpsc::UnboundedSender<String>,
    ) -> Result<(), ReadError> {
        let mut token: Option<String> = None;
        loop {
            let (page, next) = self.list_page(domain_id, kind, token.take()).await?;
            for name in page {
                let key = match kind {
                    Kind::UserProfile => name.to_lowercase(),
                    Kind::Space => name.clone(),
                };
                if !known.contains(&key) {
                    // The receiver lives until this function returns.
                    let _ = names.unbounded_send(name);
                }
            }
            match next {
                Some(next) => token = Some(next),
                None => return Ok(()),
            }
        }
    }

    async fn list_page(
        &self,
        domain_id: &str,
        kind: Kind,
        token: Option<String>,
    ) -> Result<(Vec<String>, Option<String>), ReadError> {
        let _permit = self.permit().await;
        match kind {
            Kind::UserProfile => {
                let request = self.client.list_user_profiles().domain_id_equals(domain_id);
                let out = request.max_results(100).set_next_token(token).send().await;
                let out = out.map_err(|e| {
                    ReadError::call(&format!("list user profiles of `{domain_id}`"), &e)
                })?;
                let profiles = out.user_profiles.unwrap_or_default();
                let names = profiles
                    .into_iter()
                    .filter_map(|p| p.user_profile_name)
                    .collect();
                Ok((names, out.next_token))
            }
            Kind::Space => {
                let request = self.client.list_spaces().domain_id_equals(domain_id);
                let out = request.max_results(100).set_next_token(token).send().await;
                let out =
                    out.map_err(|e| ReadError::call(&format!("list spaces of `{domain_id}`"), &e))?;
                let names = out.spaces.unwrap_or_default().into_iter();
                Ok((names.filter_map(|s| s.space_name).collect(), out.next_token))
            }
        }
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
        loop {
            let permit = self.permit().await;
            let Some(page) = pages.next().await else {
                break;
            };
            drop(permit);
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
        if !builtins {
            return Ok(apps);
        }
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
        let permit = self.permit().await;
        let result = request.send().await;
        drop(permit);
        match result {
            Ok(out) => app.builtin_arn = out.built_in_lifecycle_config_arn,
            Err(e) if is_not_found(&e) => {}
            Err(e) => return Err(ReadError::call(&format!("describe app `{}`", app.name), &e)),
        }
        Ok(app)
    }
}

/// Whether an old owned version could be a running app's built-in LCC, which only DescribeApp
/// shows.
fn builtins_matter(desired: &DesiredState, snapshot: &Snapshot) -> bool {
    snapshot
        .lccs
        .values()
        .any(|lcc| lcc.is_owned_by(&desired.owner) && lcc.app_type.has_builtin())
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
