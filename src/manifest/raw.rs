//! The manifest as written: the types the YAML is decoded into and the JSON Schema is
//! generated from.
//!
//! Their doc comments are the schema's descriptions, so they are written for manifest authors.
//! Each value keeps its position ([`At`]) so later checks can point at it. `decode.rs` fills
//! these types from the YAML tree; nothing here validates.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};

use super::tree::Pos;
use crate::model::AppType;

/// A value and the position it was written at. In the schema it is just the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub pos: Pos,
}

impl<T> At<T> {
    /// Wraps a value.
    pub fn new(value: T, pos: Pos) -> At<T> {
        At { value, pos }
    }
}

impl<T: JsonSchema> JsonSchema for At<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A mapping from names to values, in document order, with each name's position.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<V>(pub Vec<(At<String>, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Keyed<V> {
        Keyed(Vec::new())
    }
}

impl<V: JsonSchema> JsonSchema for Keyed<V> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        <BTreeMap<String, V>>::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        <BTreeMap<String, V>>::json_schema(generator)
    }
}

/// A value of `env` or `tags`: text, or a whole number or boolean taken as written. (Decimal
/// numbers must be quoted so their spelling is kept.)
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum TextValue {
    /// Text.
    Text(String),
    /// A whole number, exported as written.
    Number(i64),
    /// `true` or `false`, exported as written.
    Flag(bool),
}

/// A studio-lcc manifest: the lifecycle configurations one owner manages and where they are
/// attached.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "studio-lcc manifest")]
pub struct ManifestFile {
    /// Ownership id, tagged (`studio-lcc:owner`) on every lifecycle configuration this manifest
    /// creates. The tool only ever deletes lifecycle configurations carrying its own owner.
    /// Letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 63
    /// characters. When a folder holds several manifests, they must name the same owner.
    pub owner: Option<At<String>>,
    /// Scripts by logical name. Each distinct content of a script becomes one lifecycle
    /// configuration named `<name>-<first 8 hex digits of its sha256>`. Names are letters,
    /// digits and `-`, at most 54 characters.
    #[serde(default)]
    pub scripts: Keyed<ScriptSpec>,
    /// Managed domains by a key of your choice. Domains are referenced, never created or
    /// deleted.
    #[serde(default)]
    pub domains: Keyed<DomainSpec>,
}

/// One logical script.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScriptSpec {
    /// The app type the script runs in. A script can only be attached to slots of this app
    /// type.
    pub app_type: At<AppType>,
    /// Path of the script file, relative to the manifest file. It may not leave the
    /// manifest's folder (no absolute paths, no `..`, no symbolic links pointing out).
    /// Exactly one of `file` and `inline` is required.
    pub file: Option<At<String>>,
    /// The script text itself. Exactly one of `file` and `inline` is required.
    pub inline: Option<At<String>>,
    /// Variables exported at the top of the script (right after the `#!` line) as
    /// `export KEY='value'`. Keys are shell identifiers. The exported lines are part of the
    /// content, so they count toward the size limit and the version hash.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, TextValue>")]
    pub env: Keyed<At<String>>,
    /// Extra tags for the lifecycle configurations of this script. Keys starting with `aws:`
    /// or `studio-lcc:` are reserved.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, TextValue>")]
    pub tags: Keyed<At<String>>,
    /// Convert CRLF and CR line endings to LF before use. Without it, a CR in the script is an
    /// error (scripts with CR line endings fail in Studio).
    #[serde(default)]
    pub normalize_line_endings: Option<At<bool>>,
    /// Free text shown in plans.
    pub description: Option<At<String>>,
    /// The name of an existing lifecycle configuration, created outside this tool, whose
    /// content this script reproduces; it is tagged as owned instead of creating a duplicate.
    /// Written by `studio-lcc import`.
    pub adopt: Option<At<String>>,
}

/// One managed domain.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DomainSpec {
    /// The domain id (`d-...`). Exactly one of `id` and `name` is required.
    pub id: Option<At<String>>,
    /// The domain name. Exactly one of `id` and `name` is required.
    pub name: Option<At<String>>,
    /// The domain's `DefaultUserSettings`: what every user profile gets unless it says
    /// otherwise.
    pub defaults: Option<AppSlots>,
    /// The domain's `DefaultSpaceSettings`: defaults for shared spaces. There is no
    /// `codeEditor` here, because SageMaker has no Code Editor settings at this level.
    pub space_defaults: Option<SpaceDefaultSlots>,
    /// User profiles by name (matched without regard to case, as SageMaker does).
    #[serde(default)]
    pub user_profiles: Keyed<UserProfileSpec>,
    /// Spaces by name. A space only has a default script per app type.
    #[serde(default)]
    pub spaces: Keyed<SpaceSpec>,
}

/// The lifecycle configuration slots of user settings, one per app type. A slot that is
/// written is owned: its list, default and built-in become exactly what it says.
#[derive(Debug, Clone, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppSlots {
    /// Studio Classic's Jupyter server.
    pub jupyter_server: Option<SlotSpec>,
    /// Studio Classic's kernel gateway.
    pub kernel_gateway: Option<SlotSpec>,
    /// JupyterLab.
    pub jupyter_lab: Option<SlotSpec>,
    /// Code Editor.
    pub code_editor: Option<SlotSpec>,
}

/// The slots of `DefaultSpaceSettings` (no Code Editor at this level).
#[derive(Debug, Clone, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpaceDefaultSlots {
    /// Studio Classic's Jupyter server.
    pub jupyter_server: Option<SlotSpec>,
    /// Studio Classic's kernel gateway.
    pub kernel_gateway: Option<SlotSpec>,
    /// JupyterLab.
    pub jupyter_lab: Option<SlotSpec>,
}

/// The lifecycle configuration fields of one app type in one place.
#[derive(Debug, Clone, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SlotSpec {
    /// The scripts users may pick (`LifecycleConfigArns`). The default is added automatically.
    /// An empty or absent list with no default clears the slot.
    #[serde(default)]
    pub scripts: Vec<ScriptRef>,
    /// The script that runs when nothing else is picked (`DefaultResourceSpec`).
    pub default: Option<ScriptRef>,
    /// The built-in script, which always runs before the default (JupyterLab and Code Editor
    /// only, not on spaces).
    pub built_in: Option<ScriptRef>,
}

/// A reference to a script: its name, a per-use variant with extra `env`, or the ARN of a
/// lifecycle configuration this manifest does not own.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum ScriptRef {
    /// A script of this manifest, by name.
    Name(At<String>),
    /// A script of this manifest with `env` values merged over its own for this use only.
    Variant(VariantSpec),
    /// A lifecycle configuration this manifest does not own, kept attached.
    Foreign(ForeignSpec),
}

/// A per-use variant of a script.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariantSpec {
    /// The script's name.
    pub script: At<String>,
    /// Values merged over the script's `env` for this use. Each distinct result is its own
    /// lifecycle configuration.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, TextValue>")]
    pub env: Keyed<At<String>>,
}

/// A lifecycle configuration this manifest does not own.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForeignSpec {
    /// Its ARN (`arn:aws:sagemaker:<region>:<account>:studio-lifecycle-config/<name>`).
    pub arn: At<String>,
}

/// A user profile.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserProfileSpec {
    /// Create the profile when it does not exist (it is never deleted). `true`, or the
    /// settings to create it with.
    pub create: Option<CreateSpec>,
    /// The profile's own slots (`UserSettings`), which override the domain defaults.
    #[serde(flatten)]
    pub slots: AppSlots,
}

/// Whether and how to create a missing user profile.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum CreateSpec {
    /// `true` creates it with no extra settings; `false` is the same as leaving `create` out.
    Flag(At<bool>),
    /// Create it with these settings.
    With(ProfileCreateSpec),
}

/// The optional fields of CreateUserProfile.
#[derive(Debug, Clone, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileCreateSpec {
    /// The IAM role ARN the profile's apps run as (`UserSettings.ExecutionRole`).
    pub execution_role: Option<At<String>>,
    /// The IAM Identity Center user name (`SingleSignOnUserValue`); required by domains that
    /// use SSO and refused by the others.
    pub sso_user_value: Option<At<String>>,
    /// Tags for the new profile; SageMaker copies them to the apps it launches.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, TextValue>")]
    pub tags: Keyed<At<String>>,
}

/// A space.
#[derive(Debug, Clone, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpaceSpec {
    /// Studio Classic's Jupyter server.
    pub jupyter_server: Option<SpaceSlotSpec>,
    /// Studio Classic's kernel gateway.
    pub kernel_gateway: Option<SpaceSlotSpec>,
    /// JupyterLab.
    pub jupyter_lab: Option<SpaceSlotSpec>,
    /// Code Editor.
    pub code_editor: Option<SpaceSlotSpec>,
}

/// A space's slot: spaces have only a default script.
#[derive(Debug, Clone, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpaceSlotSpec {
    /// The script the space starts with (`DefaultResourceSpec`). Absent clears it.
    pub default: Option<ScriptRef>,
}
