//! Conversions from SDK types to snapshot types: only the LCC fields and the resource spec.

use aws_sdk_sagemaker::types::{
    CodeEditorAppSettings, DefaultSpaceSettings, JupyterLabAppSettings, JupyterServerAppSettings,
    KernelGatewayAppSettings, SpaceSettings, UserSettings,
};

use super::snapshot::{LiveSlot, ResourceSpec, Settings};
use crate::model::AppType;

type SdkSpec = aws_sdk_sagemaker::types::ResourceSpec;

/// `UserSettings` (domain defaults or a profile).
pub(super) fn user_settings(settings: Option<&UserSettings>) -> Settings {
    let Some(s) = settings else {
        return Settings::default();
    };
    collect([
        (
            AppType::JupyterServer,
            s.jupyter_server_app_settings.as_ref().map(js),
        ),
        (
            AppType::KernelGateway,
            s.kernel_gateway_app_settings.as_ref().map(kg),
        ),
        (
            AppType::JupyterLab,
            s.jupyter_lab_app_settings.as_ref().map(jl),
        ),
        (
            AppType::CodeEditor,
            s.code_editor_app_settings.as_ref().map(ce),
        ),
    ])
}

/// `DefaultSpaceSettings` (no Code Editor member).
pub(super) fn space_defaults(settings: Option<&DefaultSpaceSettings>) -> Settings {
    let Some(s) = settings else {
        return Settings::default();
    };
    collect([
        (
            AppType::JupyterServer,
            s.jupyter_server_app_settings.as_ref().map(js),
        ),
        (
            AppType::KernelGateway,
            s.kernel_gateway_app_settings.as_ref().map(kg),
        ),
        (
            AppType::JupyterLab,
            s.jupyter_lab_app_settings.as_ref().map(jl),
        ),
    ])
}

/// `SpaceSettings`: JupyterLab and Code Editor only carry a default.
pub(super) fn space_settings(settings: Option<&SpaceSettings>) -> Settings {
    let Some(s) = settings else {
        return Settings::default();
    };
    let lab = s.jupyter_lab_app_settings.as_ref();
    let editor = s.code_editor_app_settings.as_ref();
    collect([
        (
            AppType::JupyterServer,
            s.jupyter_server_app_settings.as_ref().map(js),
        ),
        (
            AppType::KernelGateway,
            s.kernel_gateway_app_settings.as_ref().map(kg),
        ),
        (
            AppType::JupyterLab,
            lab.map(|a| spec_only(a.default_resource_spec())),
        ),
        (
            AppType::CodeEditor,
            editor.map(|a| spec_only(a.default_resource_spec())),
        ),
    ])
}

/// The app types whose settings member is present.
fn collect<const N: usize>(slots: [(AppType, Option<LiveSlot>); N]) -> Settings {
    let slots = slots
        .into_iter()
        .filter_map(|(app_type, slot)| Some((app_type, slot?)));
    Settings {
        slots: slots.collect(),
    }
}

fn js(a: &JupyterServerAppSettings) -> LiveSlot {
    slot(
        a.lifecycle_config_arns.clone(),
        a.default_resource_spec(),
        None,
    )
}

fn kg(a: &KernelGatewayAppSettings) -> LiveSlot {
    slot(
        a.lifecycle_config_arns.clone(),
        a.default_resource_spec(),
        None,
    )
}

fn jl(a: &JupyterLabAppSettings) -> LiveSlot {
    let builtin = a.built_in_lifecycle_config_arn.clone();
    slot(
        a.lifecycle_config_arns.clone(),
        a.default_resource_spec(),
        builtin,
    )
}

fn ce(a: &CodeEditorAppSettings) -> LiveSlot {
    let builtin = a.built_in_lifecycle_config_arn.clone();
    slot(
        a.lifecycle_config_arns.clone(),
        a.default_resource_spec(),
        builtin,
    )
}

fn spec_only(spec: Option<&SdkSpec>) -> LiveSlot {
    slot(None, spec, None)
}

fn slot(list: Option<Vec<String>>, spec: Option<&SdkSpec>, builtin: Option<String>) -> LiveSlot {
    LiveSlot {
        list,
        default: spec
            .and_then(|s| s.lifecycle_config_arn.clone())
            .filter(|a| a != "None"),
        builtin: builtin.filter(|a| a != "None"),
        resource_spec: spec.map(resource_spec),
    }
}

/// The resource spec's fields other than its LCC.
pub(super) fn resource_spec(spec: &SdkSpec) -> ResourceSpec {
    ResourceSpec {
        image_arn: spec.sage_maker_image_arn.clone(),
        image_version_arn: spec.sage_maker_image_version_arn.clone(),
        image_version_alias: spec.sage_maker_image_version_alias.clone(),
        instance_type: spec.instance_type.as_ref().map(|t| t.as_str().to_owned()),
        training_plan_arn: spec.training_plan_arn.clone(),
    }
}
