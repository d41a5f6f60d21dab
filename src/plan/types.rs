//! The plan's data: steps, kept versions and problems. This is also the saved-plan format.

use serde::{Deserialize, Serialize};

use crate::live::{AppOwner, ResourceSpec};
use crate::model::{AppType, ProfileCreate, Scope, Tag};

/// The ordered changes that bring live state to the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// The manifest's owner id.
    pub owner: String,
    /// Steps in apply order.
    pub steps: Vec<Step>,
    /// Old versions kept because something still uses them.
    pub kept: Vec<Kept>,
    /// Reasons the plan cannot be applied (conflicts, missing resources).
    pub problems: Vec<Problem>,
}

impl Plan {
    /// Whether applying the plan would change anything.
    #[must_use]
    pub fn has_changes(&self) -> bool {
        !self.steps.is_empty()
    }

    /// Whether the plan can be applied.
    #[must_use]
    pub fn is_applicable(&self) -> bool {
        self.problems.is_empty()
    }

    /// Counts for the summary line.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            kept: self.kept.len(),
            ..Summary::default()
        };
        for step in &self.steps {
            match step {
                Step::CreateLcc(_) | Step::CreateUserProfile(_) => summary.create += 1,
                Step::TagLcc(_)
                | Step::UpdateDomain(_)
                | Step::UpdateUserProfile(_)
                | Step::UpdateSpace(_) => summary.update += 1,
                Step::DeleteLcc(_) => summary.delete += 1,
            }
        }
        summary
    }
}

/// Counts of a plan's steps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// LCCs and user profiles to create.
    pub create: usize,
    /// Resources to update or tag.
    pub update: usize,
    /// LCCs to delete.
    pub delete: usize,
    /// Old versions kept.
    pub kept: usize,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Step {
    /// Create a new LCC version.
    CreateLcc(CreateLcc),
    /// Add ownership tags to an existing LCC.
    TagLcc(TagLcc),
    /// Update a domain's default user or space settings.
    UpdateDomain(ResourceUpdate),
    /// Create a user profile the manifest asks for.
    CreateUserProfile(ProfileCreation),
    /// Update a user profile's settings.
    UpdateUserProfile(ResourceUpdate),
    /// Update a space's settings.
    UpdateSpace(ResourceUpdate),
    /// Delete an old owned LCC version.
    DeleteLcc(DeleteLcc),
}

impl Step {
    /// A stable identifier: the kind of step and what it touches.
    #[must_use]
    pub fn key(&self) -> String {
        match self {
            Step::CreateLcc(step) => format!("create-lcc:{}", step.name),
            Step::TagLcc(step) => format!("tag-lcc:{}", step.name),
            Step::UpdateDomain(step) => format!("update-domain:{}", step.domain_id),
            Step::CreateUserProfile(step) => {
                format!(
                    "create-user-profile:{}/{}",
                    step.domain_id,
                    step.name.to_lowercase()
                )
            }
            Step::UpdateUserProfile(step) | Step::UpdateSpace(step) => step.key(),
            Step::DeleteLcc(step) => format!("delete-lcc:{}", step.name),
        }
    }
}

/// Creating one LCC version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateLcc {
    /// New LCC name.
    pub name: String,
    /// Its ARN once created.
    pub arn: String,
    /// App type.
    pub app_type: AppType,
    /// Logical script name.
    pub script: String,
    /// Variant id for per-use variants.
    pub variant: Option<String>,
    /// sha256 of the content.
    pub sha256: String,
    /// The script bytes, base64 in JSON.
    #[serde(with = "base64_bytes")]
    pub content: Vec<u8>,
    /// Tags sent with the create (ownership tags first).
    pub tags: Vec<Tag>,
    /// The version it replaces, when there is one.
    pub replaces: Option<Replaced>,
    /// The script's `description` from the manifest.
    #[serde(default)]
    pub description: Option<String>,
}

/// The previous version of a script, for the diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replaced {
    /// LCC name of the previous version.
    pub name: String,
    /// Its bytes, when they were read.
    #[serde(with = "base64_opt")]
    pub content: Option<Vec<u8>>,
}

/// Adding tags to an LCC that exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagLcc {
    /// LCC name.
    pub name: String,
    /// LCC ARN.
    pub arn: String,
    /// Tags to add or overwrite.
    pub tags: Vec<Tag>,
}

/// Which resource an update touches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "camelCase")]
pub enum Resource {
    /// The domain itself.
    Domain,
    /// A user profile.
    UserProfile(String),
    /// A space.
    Space(String),
}

/// An update of one domain, user profile or space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceUpdate {
    /// Domain id.
    pub domain_id: String,
    /// Domain name, for people reading the plan.
    #[serde(default)]
    pub domain_name: String,
    /// The resource.
    pub resource: Resource,
    /// The slots that change.
    pub changes: Vec<SlotChange>,
}

impl ResourceUpdate {
    /// The step key of this update.
    #[must_use]
    pub fn key(&self) -> String {
        match &self.resource {
            Resource::Domain => format!("update-domain:{}", self.domain_id),
            Resource::UserProfile(name) => {
                format!(
                    "update-user-profile:{}/{}",
                    self.domain_id,
                    name.to_lowercase()
                )
            }
            Resource::Space(name) => format!("update-space:{}/{name}", self.domain_id),
        }
    }
}

/// Creating a user profile with its declared slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCreation {
    /// Domain id.
    pub domain_id: String,
    /// Profile name.
    pub name: String,
    /// Execution role, SSO value and tags.
    pub create: ProfileCreate,
    /// Declared slots (their `before` is empty).
    pub slots: Vec<SlotChange>,
}

/// The change of one app type's LCC fields in one scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotChange {
    /// Where.
    pub scope: Scope,
    /// Which app type.
    pub app_type: AppType,
    /// The live values the plan assumed.
    pub before: SlotValue,
    /// The values after the update.
    pub after: SlotValue,
    /// The live `DefaultResourceSpec` (less its LCC), echoed when the spec is sent.
    pub resource_spec: Option<ResourceSpec>,
    /// Why the slot changes.
    pub reason: ChangeReason,
}

impl SlotChange {
    /// Whether the allowed list changes (compared as sets).
    #[must_use]
    pub fn list_changes(&self) -> bool {
        !same_set(self.before.list.as_deref(), self.after.list.as_deref())
    }

    /// Whether the default changes.
    #[must_use]
    pub fn default_changes(&self) -> bool {
        self.before.default != self.after.default
    }

    /// Whether the built-in changes.
    #[must_use]
    pub fn builtin_changes(&self) -> bool {
        self.before.builtin != self.after.builtin
    }
}

/// The managed LCC fields of a slot, as ARNs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotValue {
    /// Allowed list; `None` when absent or not managed in this scope.
    pub list: Option<Vec<String>>,
    /// Default LCC.
    pub default: Option<String>,
    /// Built-in LCC.
    pub builtin: Option<String>,
}

impl SlotValue {
    /// Equal as the planner compares: lists as sets (absent equals empty), ARNs exactly.
    #[must_use]
    pub fn is_equivalent(&self, other: &SlotValue) -> bool {
        same_set(self.list.as_deref(), other.list.as_deref())
            && self.default == other.default
            && self.builtin == other.builtin
    }

    /// Whether any field refers to `arn`.
    #[must_use]
    pub fn refers_to(&self, arn: &str) -> bool {
        self.list.iter().flatten().any(|a| a == arn)
            || self.default.as_deref() == Some(arn)
            || self.builtin.as_deref() == Some(arn)
    }
}

fn same_set(a: Option<&[String]>, b: Option<&[String]>) -> bool {
    let a = a.unwrap_or_default();
    let b = b.unwrap_or_default();
    a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
}

/// Why a slot changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeReason {
    /// The manifest declares the slot.
    Declared,
    /// The slot is not declared but refers to an old version of an owned script.
    Repoint,
}

/// Deleting an old owned version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteLcc {
    /// LCC name.
    pub name: String,
    /// LCC ARN.
    pub arn: String,
    /// Keys of the updates that must succeed first (they remove references to it).
    pub after: Vec<String>,
}

/// An old version that stays, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kept {
    /// LCC name.
    pub name: String,
    /// LCC ARN.
    pub arn: String,
    /// What still uses it.
    pub blockers: Vec<Blocker>,
}

/// Something that keeps an old version alive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Blocker {
    /// A `Pending` or `InService` app was started with it.
    #[serde(rename_all = "camelCase")]
    RunningApp {
        /// Domain id.
        domain_id: String,
        /// Owner of the app.
        owner: AppOwner,
        /// App type.
        app_type: String,
        /// App name.
        app_name: String,
        /// App status.
        status: String,
    },
    /// A settings field still refers to it after the plan (a reference the tool cannot
    /// repoint, such as an ARN the manifest lists explicitly).
    #[serde(rename_all = "camelCase")]
    Reference {
        /// Domain id.
        domain_id: String,
        /// Where.
        scope: Scope,
        /// Which app type.
        app_type: AppType,
    },
    /// AWS refused the delete with `ResourceInUse`.
    #[serde(rename_all = "camelCase")]
    InUse {
        /// AWS's message.
        message: String,
    },
    /// Not every profile, space and app was read, so it cannot be shown to be unused.
    NotScanned,
}

/// A reason the plan cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Problem {
    /// An LCC with a name this manifest needs exists but is not this version.
    #[serde(rename_all = "camelCase")]
    Conflict {
        /// LCC name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A managed domain does not exist.
    #[serde(rename_all = "camelCase")]
    DomainNotFound {
        /// Manifest key.
        key: String,
        /// How it was looked for.
        selector: String,
    },
    /// A user profile without `create: true` does not exist.
    #[serde(rename_all = "camelCase")]
    UserProfileNotFound {
        /// Domain id.
        domain_id: String,
        /// Profile name.
        name: String,
    },
    /// Two manifest domains resolve to the same live domain.
    #[serde(rename_all = "camelCase")]
    DomainTwice {
        /// Domain id.
        domain_id: String,
        /// The first manifest key.
        first: String,
        /// The second manifest key.
        second: String,
    },
    /// An `{arn}` reference that cannot be attached where the manifest puts it.
    #[serde(rename_all = "camelCase")]
    ForeignLcc {
        /// The ARN as written.
        arn: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A space the manifest names does not exist.
    #[serde(rename_all = "camelCase")]
    SpaceNotFound {
        /// Domain id.
        domain_id: String,
        /// Space name.
        name: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Conflict { name, reason } => {
                write!(f, "conflict on lifecycle config `{name}`: {reason}")
            }
            Problem::DomainNotFound { key, selector } => {
                write!(f, "domain `{key}` not found ({selector})")
            }
            Problem::UserProfileNotFound { domain_id, name } => write!(
                f,
                "user profile `{name}` not found in domain `{domain_id}` (set `create: true` to create it)"
            ),
            Problem::DomainTwice {
                domain_id,
                first,
                second,
            } => write!(
                f,
                "manifest domains `{first}` and `{second}` are the same domain `{domain_id}`"
            ),
            Problem::ForeignLcc { arn, reason } => write!(f, "lifecycle config `{arn}` {reason}"),
            Problem::SpaceNotFound { domain_id, name } => {
                write!(f, "space `{name}` not found in domain `{domain_id}`")
            }
        }
    }
}

mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

mod base64_opt {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        bytes: &Option<Vec<u8>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => s.serialize_some(&STANDARD.encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<u8>>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom))
            .transpose()
    }
}
