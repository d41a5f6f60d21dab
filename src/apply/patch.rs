//! Minimal patches: SDK settings that carry only the fields a plan changes.
//!
//! Updates are recursive merges on AWS's side: a member that is not sent is kept. So each patch
//! sends, per changed slot, only the list (whole, `[]` to clear), the default and the built-in
//! that change (`None` clears an ARN), and `DefaultResourceSpec` with its stored fields echoed
//! when the default changes or, for JupyterServer and KernelGateway, when the list changes.
//! `SpaceSettings.AppType` is never sent.

use aws_sdk_sagemaker::types::{
    AppInstanceType, CodeEditorAppSettings, DefaultSpaceSettings, JupyterLabAppSettings,
    JupyterServerAppSettings, KernelGatewayAppSettings, ResourceSpec, SpaceCodeEditorAppSettings,
    SpaceJupyterLabAppSettings, SpaceSettings, UserSettings,
};

use crate::model::AppType;
use crate::plan::SlotChange;

/// The string that clears an ARN field.
const CLEAR: &str = "None";

/// The fields of one slot that go into a request.
#[derive(Debug, Default)]
struct SlotPatch {
    list: Option<Vec<String>>,
    spec: Option<ResourceSpec>,
    builtin: Option<String>,
}

fn slot_patch(change: &SlotChange) -> SlotPatch {
    let list = change
        .list_changes()
        .then(|| change.after.list.clone().unwrap_or_default());
    let builtin = change.builtin_changes().then(|| {
        change
            .after
            .builtin
            .clone()
            .unwrap_or_else(|| CLEAR.to_owned())
    });
    let spec_needed = change.default_changes()
        || (list.is_some() && change.app_type.needs_resource_spec_with_list());
    SlotPatch {
        list,
        spec: spec_needed.then(|| resource_spec(change)).flatten(),
        builtin,
    }
}

/// The stored spec echoed back, with the new default LCC.
fn resource_spec(change: &SlotChange) -> Option<ResourceSpec> {
    let lcc = if change.default_changes() {
        Some(
            change
                .after
                .default
                .clone()
                .unwrap_or_else(|| CLEAR.to_owned()),
        )
    } else {
        change.after.default.clone()
    };
    let stored = change.resource_spec.clone().unwrap_or_default();
    if lcc.is_none() && stored == crate::live::ResourceSpec::default() {
        return None;
    }
    let spec = ResourceSpec::builder()
        .set_sage_maker_image_arn(stored.image_arn)
        .set_sage_maker_image_version_arn(stored.image_version_arn)
        .set_sage_maker_image_version_alias(stored.image_version_alias)
        .set_instance_type(stored.instance_type.as_deref().map(AppInstanceType::from))
        .set_training_plan_arn(stored.training_plan_arn)
        .set_lifecycle_config_arn(lcc)
        .build();
    Some(spec)
}

/// `UserSettings` for a domain's defaults or a user profile.
pub(super) fn user_settings<'a>(changes: impl Iterator<Item = &'a SlotChange>) -> UserSettings {
    let mut settings = UserSettings::builder();
    for change in changes {
        let p = slot_patch(change);
        settings = match change.app_type {
            AppType::JupyterServer => settings.jupyter_server_app_settings(js(p)),
            AppType::KernelGateway => settings.kernel_gateway_app_settings(kg(p)),
            AppType::JupyterLab => settings.jupyter_lab_app_settings(jl(p)),
            AppType::CodeEditor => settings.code_editor_app_settings(ce(p)),
        };
    }
    settings.build()
}

/// `DefaultSpaceSettings` (it has no Code Editor member; the manifest rejects one).
pub(super) fn space_defaults<'a>(
    changes: impl Iterator<Item = &'a SlotChange>,
) -> DefaultSpaceSettings {
    let mut settings = DefaultSpaceSettings::builder();
    for change in changes {
        let p = slot_patch(change);
        settings = match change.app_type {
            AppType::JupyterServer => settings.jupyter_server_app_settings(js(p)),
            AppType::KernelGateway => settings.kernel_gateway_app_settings(kg(p)),
            AppType::JupyterLab => settings.jupyter_lab_app_settings(jl(p)),
            AppType::CodeEditor => settings,
        };
    }
    settings.build()
}

/// `SpaceSettings`, without `AppType`.
pub(super) fn space_settings<'a>(changes: impl Iterator<Item = &'a SlotChange>) -> SpaceSettings {
    let mut settings = SpaceSettings::builder();
    for change in changes {
        let p = slot_patch(change);
        settings = match change.app_type {
            AppType::JupyterServer => settings.jupyter_server_app_settings(js(p)),
            AppType::KernelGateway => settings.kernel_gateway_app_settings(kg(p)),
            AppType::JupyterLab => settings.jupyter_lab_app_settings(
                SpaceJupyterLabAppSettings::builder()
                    .set_default_resource_spec(p.spec)
                    .build(),
            ),
            AppType::CodeEditor => settings.code_editor_app_settings(
                SpaceCodeEditorAppSettings::builder()
                    .set_default_resource_spec(p.spec)
                    .build(),
            ),
        };
    }
    settings.build()
}

fn js(p: SlotPatch) -> JupyterServerAppSettings {
    JupyterServerAppSettings::builder()
        .set_lifecycle_config_arns(p.list)
        .set_default_resource_spec(p.spec)
        .build()
}

fn kg(p: SlotPatch) -> KernelGatewayAppSettings {
    KernelGatewayAppSettings::builder()
        .set_lifecycle_config_arns(p.list)
        .set_default_resource_spec(p.spec)
        .build()
}

fn jl(p: SlotPatch) -> JupyterLabAppSettings {
    JupyterLabAppSettings::builder()
        .set_lifecycle_config_arns(p.list)
        .set_default_resource_spec(p.spec)
        .set_built_in_lifecycle_config_arn(p.builtin)
        .build()
}

fn ce(p: SlotPatch) -> CodeEditorAppSettings {
    CodeEditorAppSettings::builder()
        .set_lifecycle_config_arns(p.list)
        .set_default_resource_spec(p.spec)
        .set_built_in_lifecycle_config_arn(p.builtin)
        .build()
}
