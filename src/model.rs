//! Domain types shared by the manifest loader, the live reader, the planner and apply.
//!
//! These types are the seams of the pipeline: the manifest produces a [`DesiredState`], the live
//! reader produces a snapshot, and the planner compares the two. Nothing here does I/O.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Tag key that records which manifest owner created an LCC.
pub const OWNER_TAG: &str = "studio-lcc:owner";
/// Tag key that records the logical script name of an LCC.
pub const SCRIPT_TAG: &str = "studio-lcc:script";
/// Tag key that records the full sha256 (hex) of the LCC's script bytes.
pub const HASH_TAG: &str = "studio-lcc:sha256";
/// Tag key that tells per-use variants of one script apart (absent for the plain script).
pub const VARIANT_TAG: &str = "studio-lcc:variant";

/// Longest logical script name: the LCC name adds `-` and 8 hex digits and must fit 63 characters.
pub const MAX_SCRIPT_NAME_LEN: usize = 54;
/// AWS limit on the base64 content of one LCC.
pub const MAX_ENCODED_CONTENT: usize = 16_384;
/// The largest script whose base64 fits [`MAX_ENCODED_CONTENT`].
pub const MAX_SCRIPT_BYTES: usize = 12_288;

/// The app types a Studio lifecycle configuration can be written for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum AppType {
    /// Studio Classic's Jupyter server.
    JupyterServer,
    /// Studio Classic's kernel gateway (notebook kernels).
    KernelGateway,
    /// JupyterLab in the current Studio.
    JupyterLab,
    /// Code Editor in the current Studio.
    CodeEditor,
}

impl AppType {
    /// Every app type, in the order plans list them.
    pub const ALL: [AppType; 4] = [
        AppType::JupyterServer,
        AppType::KernelGateway,
        AppType::JupyterLab,
        AppType::CodeEditor,
    ];

    /// The wire name (`StudioLifecycleConfigAppType`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AppType::JupyterServer => "JupyterServer",
            AppType::KernelGateway => "KernelGateway",
            AppType::JupyterLab => "JupyterLab",
            AppType::CodeEditor => "CodeEditor",
        }
    }

    /// Parses the wire name.
    #[must_use]
    pub fn from_wire(s: &str) -> Option<AppType> {
        AppType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The key of this app type's block in the manifest (`jupyterServer`, ...).
    #[must_use]
    pub fn manifest_key(self) -> &'static str {
        match self {
            AppType::JupyterServer => "jupyterServer",
            AppType::KernelGateway => "kernelGateway",
            AppType::JupyterLab => "jupyterLab",
            AppType::CodeEditor => "codeEditor",
        }
    }

    /// The settings member that holds this app type's LCC fields (`JupyterLabAppSettings`, ...).
    #[must_use]
    pub fn settings_member(self) -> &'static str {
        match self {
            AppType::JupyterServer => "JupyterServerAppSettings",
            AppType::KernelGateway => "KernelGatewayAppSettings",
            AppType::JupyterLab => "JupyterLabAppSettings",
            AppType::CodeEditor => "CodeEditorAppSettings",
        }
    }

    /// Whether the app type has a built-in lifecycle configuration field.
    #[must_use]
    pub fn has_builtin(self) -> bool {
        matches!(self, AppType::JupyterLab | AppType::CodeEditor)
    }

    /// Whether `DefaultResourceSpec` must travel with `LifecycleConfigArns` in an update.
    #[must_use]
    pub fn needs_resource_spec_with_list(self) -> bool {
        matches!(self, AppType::JupyterServer | AppType::KernelGateway)
    }
}

impl fmt::Display for AppType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in a domain a set of LCC settings lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "camelCase")]
pub enum Scope {
    /// The domain's `DefaultUserSettings`.
    DomainDefaults,
    /// The domain's `DefaultSpaceSettings`.
    SpaceDefaults,
    /// A user profile's `UserSettings`.
    UserProfile(String),
    /// A space's `SpaceSettings`.
    Space(String),
}

impl Scope {
    /// Whether slots in this scope have an allowed list (`LifecycleConfigArns`).
    ///
    /// Spaces only pick a default through `DefaultResourceSpec.LifecycleConfigArn`.
    #[must_use]
    pub fn has_list(&self) -> bool {
        !matches!(self, Scope::Space(_))
    }

    /// Whether slots of `app_type` in this scope have a built-in LCC field.
    #[must_use]
    pub fn has_builtin(&self, app_type: AppType) -> bool {
        self.has_list() && app_type.has_builtin()
    }

    /// Whether this scope has settings for `app_type` at all.
    ///
    /// `DefaultSpaceSettings` has no `CodeEditorAppSettings`.
    #[must_use]
    pub fn supports(&self, app_type: AppType) -> bool {
        !(matches!(self, Scope::SpaceDefaults) && app_type == AppType::CodeEditor)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::DomainDefaults => f.write_str("domain defaults"),
            Scope::SpaceDefaults => f.write_str("space defaults"),
            Scope::UserProfile(name) => write!(f, "user profile `{name}`"),
            Scope::Space(name) => write!(f, "space `{name}`"),
        }
    }
}

/// A key/value tag as SageMaker stores it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    /// Tag key.
    pub key: String,
    /// Tag value.
    pub value: String,
}

impl Tag {
    /// Builds a tag.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// A reference from a settings slot to a lifecycle configuration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LccRef {
    /// A version this manifest owns, by its LCC name (`pip-install-1a2b3c4d`).
    Owned(String),
    /// An LCC this manifest does not own, by ARN.
    Foreign(String),
}

/// One version of a script: exact bytes and the LCC that carries them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScriptVersion {
    /// Logical script name from the manifest.
    pub script: String,
    /// For a per-use variant (`{script, env}`), 8 hex digits that identify its env overrides.
    pub variant: Option<String>,
    /// The LCC name: `<script>-<first 8 hex of sha256>`, or the adopted name.
    pub lcc_name: String,
    /// App type of the LCC.
    pub app_type: AppType,
    /// The exact script bytes (after `env` injection and optional normalisation).
    pub content: Vec<u8>,
    /// Full lowercase hex sha256 of `content`.
    pub sha256: String,
    /// Extra tags the manifest asks for on the LCC.
    pub tags: Vec<Tag>,
    /// Free text from the manifest, shown in plans.
    pub description: Option<String>,
    /// The name of an existing LCC this script adopts (written by `import`), if any.
    pub adopt: Option<String>,
}

impl ScriptVersion {
    /// The lineage key: versions with the same key replace each other.
    #[must_use]
    pub fn lineage(&self) -> (String, Option<String>) {
        (self.script.clone(), self.variant.clone())
    }
}

/// The content-addressed LCC name for a script version.
#[must_use]
pub fn lcc_name(script: &str, sha256_hex: &str) -> String {
    format!("{script}-{}", &sha256_hex[..8])
}

/// The desired LCC fields of one app type in one scope.
///
/// A slot that appears in the manifest owns all of its fields: the list is exactly `list` (the
/// default is already included), and an absent default or built-in means "must be cleared".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredSlot {
    /// Where the slot lives.
    pub scope: Scope,
    /// Which app type's settings.
    pub app_type: AppType,
    /// The exact allowed list, default included. Ignored where [`Scope::has_list`] is false.
    pub list: Vec<LccRef>,
    /// The default (`DefaultResourceSpec.LifecycleConfigArn`).
    pub default: Option<LccRef>,
    /// The built-in LCC. Only for JupyterLab and CodeEditor outside spaces.
    pub builtin: Option<LccRef>,
}

/// How a domain is picked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DomainSelector {
    /// By domain id (`d-...`).
    Id(String),
    /// By domain name.
    Name(String),
}

impl fmt::Display for DomainSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DomainSelector::Id(id) => write!(f, "domain `{id}`"),
            DomainSelector::Name(name) => write!(f, "domain named `{name}`"),
        }
    }
}

/// What to send when a user profile has to be created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCreate {
    /// `UserSettings.ExecutionRole`.
    pub execution_role: Option<String>,
    /// `SingleSignOnUserValue` (sent with `SingleSignOnUserIdentifier: UserName`).
    pub sso_user_value: Option<String>,
    /// Tags for the new profile.
    pub tags: Vec<Tag>,
}

/// A user profile the manifest names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredUserProfile {
    /// Profile name as written (AWS matches it without regard to case).
    pub name: String,
    /// Present when the profile is created if missing.
    pub create: Option<ProfileCreate>,
}

/// One managed domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredDomain {
    /// The key of the domain in the manifest.
    pub key: String,
    /// How the domain is found.
    pub selector: DomainSelector,
    /// Every owned slot, in any scope of this domain.
    pub slots: Vec<DesiredSlot>,
    /// User profiles the manifest names.
    pub user_profiles: Vec<DesiredUserProfile>,
    /// Spaces the manifest names.
    pub spaces: Vec<String>,
}

/// The normalised result of loading a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredState {
    /// The ownership id tagged on every LCC this manifest creates.
    pub owner: String,
    /// Every script version the manifest uses, one per distinct LCC.
    pub scripts: Vec<ScriptVersion>,
    /// Managed domains.
    pub domains: Vec<DesiredDomain>,
}

impl DesiredState {
    /// The version with this LCC name.
    #[must_use]
    pub fn script_by_lcc(&self, lcc_name: &str) -> Option<&ScriptVersion> {
        self.scripts.iter().find(|s| s.lcc_name == lcc_name)
    }
}
