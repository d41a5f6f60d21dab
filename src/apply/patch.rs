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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::ResourceSpec as LiveSpec;
    use crate::model::Scope;
    use crate::plan::{ChangeReason, SlotValue};

    fn change(app_type: AppType, before: SlotValue, after: SlotValue) -> SlotChange {
        SlotChange {
            scope: Scope::DomainDefaults,
            app_type,
            before,
            after,
            resource_spec: Some(LiveSpec {
                instance_type: Some("ml.t3.large".to_owned()),
                image_arn: Some("arn:aws:sagemaker:us-east-1:123456789012:image/team".to_owned()),
                ..LiveSpec::default()
            }),
            reason: ChangeReason::Declared,
        }
    }

    fn value(list: &[&str], default: Option<&str>, builtin: Option<&str>) -> SlotValue {
        SlotValue {
            list: Some(list.iter().map(|s| (*s).to_owned()).collect()),
            default: default.map(str::to_owned),
            builtin: builtin.map(str::to_owned),
        }
    }

    #[test]
    fn a_kernel_gateway_list_change_sends_the_stored_resource_spec_with_it() {
        let c = change(
            AppType::KernelGateway,
            value(&["a"], Some("a"), None),
            value(&["a", "b"], Some("a"), None),
        );
        let settings = user_settings(std::iter::once(&c));
        let kg = settings.kernel_gateway_app_settings.unwrap();
        assert_eq!(
            kg.lifecycle_config_arns,
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        let spec = kg.default_resource_spec.unwrap();
        assert_eq!(spec.instance_type.unwrap().as_str(), "ml.t3.large");
        assert_eq!(spec.lifecycle_config_arn.as_deref(), Some("a"));
        assert_eq!(
            spec.sage_maker_image_arn.as_deref(),
            c.resource_spec.unwrap().image_arn.as_deref()
        );
        assert!(
            settings.jupyter_lab_app_settings.is_none(),
            "other app types are not sent"
        );
    }

    #[test]
    fn a_jupyter_lab_list_change_alone_sends_only_the_list() {
        let c = change(
            AppType::JupyterLab,
            value(&["a"], None, None),
            value(&["b"], None, None),
        );
        let lab = user_settings(std::iter::once(&c))
            .jupyter_lab_app_settings
            .unwrap();
        assert_eq!(lab.lifecycle_config_arns, Some(vec!["b".to_owned()]));
        assert!(lab.default_resource_spec.is_none());
        assert!(lab.built_in_lifecycle_config_arn.is_none());
    }

    #[test]
    fn cleared_fields_are_sent_as_an_empty_list_and_none() {
        let c = change(
            AppType::JupyterLab,
            value(&["a"], Some("a"), Some("b")),
            value(&[], None, None),
        );
        let lab = user_settings(std::iter::once(&c))
            .jupyter_lab_app_settings
            .unwrap();
        assert_eq!(lab.lifecycle_config_arns, Some(vec![]));
        assert_eq!(lab.built_in_lifecycle_config_arn.as_deref(), Some("None"));
        let spec = lab.default_resource_spec.unwrap();
        assert_eq!(spec.lifecycle_config_arn.as_deref(), Some("None"));
    }

    #[test]
    fn space_settings_never_carry_an_app_type() {
        let mut c = change(
            AppType::JupyterLab,
            SlotValue::default(),
            SlotValue::default(),
        );
        c.scope = Scope::Space("team".to_owned());
        c.after.default = Some("a".to_owned());
        let settings = space_settings(std::iter::once(&c));
        assert!(settings.app_type.is_none());
        let spec = settings
            .jupyter_lab_app_settings
            .unwrap()
            .default_resource_spec
            .unwrap();
        assert_eq!(spec.lifecycle_config_arn.as_deref(), Some("a"));
    }
}
