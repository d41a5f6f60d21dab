//! The live snapshot: what the reader saw in the account, reduced to what the planner needs.
//!
//! Snapshots are plain data. The reader fills them through the SDK; planner tests build them by
//! hand with the small builders at the end of this file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{AppType, HASH_TAG, OWNER_TAG, SCRIPT_TAG, Scope, VARIANT_TAG};

/// Everything the planner knows about the account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// `arn:<partition>:sagemaker:<region>:<account>:`, taken from a domain ARN; used to name
    /// LCCs that do not exist yet.
    pub arn_prefix: String,
    /// Every LCC in the account and region, by name.
    pub lccs: BTreeMap<String, LiveLcc>,
    /// The managed domains that were found, in manifest order.
    pub domains: Vec<LiveDomain>,
    /// Whether every user profile, space and app of every managed domain was read. Without a
    /// full scan the planner cannot prove an old version unused, so it keeps it.
    pub full_scan: bool,
}

impl Snapshot {
    /// The ARN an LCC of this name has, or will have once created.
    #[must_use]
    pub fn lcc_arn(&self, name: &str) -> String {
        match self.lccs.get(name) {
            Some(lcc) => lcc.arn.clone(),
            None => format!("{}studio-lifecycle-config/{name}", self.arn_prefix),
        }
    }

    /// The live domain for a manifest domain key.
    #[must_use]
    pub fn domain(&self, key: &str) -> Option<&LiveDomain> {
        self.domains.iter().find(|d| d.key == key)
    }
}

/// Derives the ARN prefix (`arn:aws:sagemaker:us-east-1:123456789012:`) from any SageMaker ARN.
#[must_use]
pub fn arn_prefix_of(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6).then(|| format!("{}:", parts[..5].join(":")))
}

/// The LCC name at the end of an LCC ARN.
#[must_use]
pub fn lcc_name_of(arn: &str) -> &str {
    arn.rsplit_once('/').map_or(arn, |(_, name)| name)
}

/// One lifecycle configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveLcc {
    /// LCC name.
    pub name: String,
    /// LCC ARN.
    pub arn: String,
    /// App type.
    pub app_type: AppType,
    /// Creation time, epoch seconds.
    pub created: f64,
    /// Tags, when they were read (only for candidates).
    pub tags: Option<BTreeMap<String, String>>,
    /// Script bytes, when they were read (only where the plan needs them).
    pub content: Option<Vec<u8>>,
}

impl LiveLcc {
    /// The value of a tag, if tags were read and it is set.
    #[must_use]
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.as_ref()?.get(key).map(String::as_str)
    }

    /// Whether the LCC carries `owner` in its owner tag.
    #[must_use]
    pub fn is_owned_by(&self, owner: &str) -> bool {
        self.tag(OWNER_TAG) == Some(owner)
    }

    /// The lineage (script, variant) recorded in the tags.
    #[must_use]
    pub fn lineage(&self) -> Option<(String, Option<String>)> {
        let script = self.tag(SCRIPT_TAG)?.to_owned();
        Some((script, self.tag(VARIANT_TAG).map(str::to_owned)))
    }

    /// The content hash recorded in the tags.
    #[must_use]
    pub fn recorded_hash(&self) -> Option<&str> {
        self.tag(HASH_TAG)
    }
}

/// A managed domain and what was read inside it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveDomain {
    /// The domain's key in the manifest.
    pub key: String,
    /// Domain id.
    pub id: String,
    /// Domain name.
    pub name: String,
    /// Domain ARN.
    pub arn: String,
    /// Domain status.
    pub status: String,
    /// `DefaultUserSettings`.
    pub default_user: Settings,
    /// `DefaultSpaceSettings`.
    pub default_space: Settings,
    /// User profiles that were read, keyed by lowercase name.
    pub user_profiles: BTreeMap<String, LiveResource>,
    /// Spaces that were read, by name.
    pub spaces: BTreeMap<String, LiveResource>,
    /// Apps (only with a full scan), deleted ones left out.
    pub apps: Vec<LiveApp>,
}

impl LiveDomain {
    /// The settings of a scope in this domain, when they were read.
    #[must_use]
    pub fn settings(&self, scope: &Scope) -> Option<&Settings> {
        match scope {
            Scope::DomainDefaults => Some(&self.default_user),
            Scope::SpaceDefaults => Some(&self.default_space),
            Scope::UserProfile(name) => self
                .user_profiles
                .get(&name.to_lowercase())
                .map(|r| &r.settings),
            Scope::Space(name) => self.spaces.get(name).map(|r| &r.settings),
        }
    }

    /// Every scope that was read, domain first, then profiles, then spaces.
    #[must_use]
    pub fn scopes(&self) -> Vec<(Scope, &Settings)> {
        let mut scopes = vec![
            (Scope::DomainDefaults, &self.default_user),
            (Scope::SpaceDefaults, &self.default_space),
        ];
        for profile in self.user_profiles.values() {
            scopes.push((Scope::UserProfile(profile.name.clone()), &profile.settings));
        }
        for space in self.spaces.values() {
            scopes.push((Scope::Space(space.name.clone()), &space.settings));
        }
        scopes
    }
}

/// A user profile or space.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveResource {
    /// The stored name.
    pub name: String,
    /// Status (`InService`, `Updating`, ...).
    pub status: String,
    /// Its settings.
    pub settings: Settings,
}

/// The LCC fields of every app type present in one settings object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Per app type, only those whose settings member exists.
    pub slots: BTreeMap<AppType, LiveSlot>,
}

impl Settings {
    /// The slot of an app type; empty when the member is absent.
    #[must_use]
    pub fn slot(&self, app_type: AppType) -> LiveSlot {
        self.slots.get(&app_type).cloned().unwrap_or_default()
    }
}

/// The three LCC fields of one app type, plus the resource spec they travel with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSlot {
    /// `LifecycleConfigArns`, as stored (absent is `None`).
    pub list: Option<Vec<String>>,
    /// `DefaultResourceSpec.LifecycleConfigArn`.
    pub default: Option<String>,
    /// `BuiltInLifecycleConfigArn`.
    pub builtin: Option<String>,
    /// The other `DefaultResourceSpec` fields, echoed back unchanged when the spec is sent.
    pub resource_spec: Option<ResourceSpec>,
}

impl LiveSlot {
    /// Every LCC ARN this slot refers to.
    pub fn arns(&self) -> impl Iterator<Item = &String> {
        self.list
            .iter()
            .flatten()
            .chain(self.default.iter())
            .chain(self.builtin.iter())
    }
}

/// `DefaultResourceSpec` without its `LifecycleConfigArn`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceSpec {
    /// `SageMakerImageArn`.
    #[serde(rename = "SageMakerImageArn", skip_serializing_if = "Option::is_none")]
    pub image_arn: Option<String>,
    /// `SageMakerImageVersionArn`.
    #[serde(
        rename = "SageMakerImageVersionArn",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_version_arn: Option<String>,
    /// `SageMakerImageVersionAlias`.
    #[serde(
        rename = "SageMakerImageVersionAlias",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_version_alias: Option<String>,
    /// `InstanceType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// `TrainingPlanArn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training_plan_arn: Option<String>,
}

/// Who an app belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "camelCase")]
pub enum AppOwner {
    /// A user profile's app.
    UserProfile(String),
    /// A space's app.
    Space(String),
}

/// A Studio app that is not deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveApp {
    /// Its owner.
    pub owner: AppOwner,
    /// App type (any of SageMaker's nine).
    pub app_type: String,
    /// App name.
    pub name: String,
    /// Status.
    pub status: String,
    /// `ResourceSpec.LifecycleConfigArn` it was started with.
    pub lcc_arn: Option<String>,
    /// `BuiltInLifecycleConfigArn` it was started with (read only when needed).
    pub builtin_arn: Option<String>,
}

impl LiveApp {
    /// Whether the app counts as running (`Pending` or `InService`).
    #[must_use]
    pub fn is_running(&self) -> bool {
        matches!(self.status.as_str(), "Pending" | "InService")
    }
}
