//! One SageMaker call (or call and wait) per plan step.

use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::StudioLifecycleConfigAppType;
use aws_sdk_sagemaker::types::Tag as SdkTag;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tracing::debug;

use super::wait::{self, Target};
use super::{ApplyOptions, StepResult, patch};
use crate::aws::{error_code, error_text};
use crate::model::{Scope, Tag};
use crate::plan::{CreateLcc, DeleteLcc, ProfileCreation, Resource, ResourceUpdate, Step, TagLcc};

/// How many times an update is retried after `ResourceInUse` (the resource was busy).
const BUSY_RETRIES: usize = 3;

pub(super) struct Runner<'a> {
    pub(super) client: &'a Client,
    pub(super) options: ApplyOptions,
}

impl Runner<'_> {
    pub(super) async fn run(&self, step: &Step) -> StepResult {
        debug!(step = %step.key(), "Starting step.");
        let result = match step {
            Step::CreateLcc(create) => self.create_lcc(create).await,
            Step::TagLcc(tag) => self.tag_lcc(tag).await,
            Step::UpdateDomain(update)
            | Step::UpdateUserProfile(update)
            | Step::UpdateSpace(update) => self.update(update).await,
            Step::CreateUserProfile(create) => self.create_profile(create).await,
            Step::DeleteLcc(delete) => return self.delete_lcc(delete).await,
        };
        match result {
            Ok(()) => StepResult::Done,
            Err(message) => StepResult::Failed(message),
        }
    }

    async fn create_lcc(&self, step: &CreateLcc) -> Result<(), String> {
        self.client
            .create_studio_lifecycle_config()
            .studio_lifecycle_config_name(&step.name)
            .studio_lifecycle_config_content(STANDARD.encode(&step.content))
            .studio_lifecycle_config_app_type(StudioLifecycleConfigAppType::from(
                step.app_type.as_str(),
            ))
            .set_tags(Some(sdk_tags(&step.tags)))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| error_text(&e))
    }

    async fn tag_lcc(&self, step: &TagLcc) -> Result<(), String> {
        let request = self.client.add_tags().resource_arn(&step.arn);
        let request = request.set_tags(Some(sdk_tags(&step.tags)));
        request.send().await.map(|_| ()).map_err(|e| error_text(&e))
    }

    /// Sends the update, retrying while the resource is busy, then waits for `InService`.
    async fn update(&self, step: &ResourceUpdate) -> Result<(), String> {
        let target = Target::of(&step.domain_id, &step.resource);
        for attempt in 0..=BUSY_RETRIES {
            match self.send_update(step).await {
                Ok(()) => return wait::in_service(self.client, &target, &self.options).await,
                Err((Some("ResourceInUse"), _)) if attempt < BUSY_RETRIES => {
                    debug!(step = %step.key(), attempt, "Resource busy; waiting before retry.");
                    wait::in_service(self.client, &target, &self.options).await?;
                }
                Err((_, message)) => return Err(message),
            }
        }
        Err(format!("`{}` stayed busy", step.key()))
    }

    async fn send_update(
        &self,
        step: &ResourceUpdate,
    ) -> Result<(), (Option<&'static str>, String)> {
        let changes = step.changes.iter();
        match &step.resource {
            Resource::Domain => {
                let user = step
                    .changes
                    .iter()
                    .filter(|c| c.scope == Scope::DomainDefaults);
                let space = step
                    .changes
                    .iter()
                    .filter(|c| c.scope == Scope::SpaceDefaults);
                let mut request = self.client.update_domain().domain_id(&step.domain_id);
                if user.clone().next().is_some() {
                    request = request.default_user_settings(patch::user_settings(user));
                }
                if space.clone().next().is_some() {
                    request = request.default_space_settings(patch::space_defaults(space));
                }
                request
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| busy(error_code(&e), error_text(&e)))
            }
            Resource::UserProfile(name) => self
                .client
                .update_user_profile()
                .domain_id(&step.domain_id)
                .user_profile_name(name)
                .user_settings(patch::user_settings(changes))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| busy(error_code(&e), error_text(&e))),
            Resource::Space(name) => self
                .client
                .update_space()
                .domain_id(&step.domain_id)
                .space_name(name)
                .space_settings(patch::space_settings(changes))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| busy(error_code(&e), error_text(&e))),
        }
    }

    async fn create_profile(&self, step: &ProfileCreation) -> Result<(), String> {
        let mut settings = patch::user_settings(step.slots.iter());
        settings
            .execution_role
            .clone_from(&step.create.execution_role);
        let mut request = self
            .client
            .create_user_profile()
            .domain_id(&step.domain_id)
            .user_profile_name(&step.name)
            .user_settings(settings);
        if let Some(value) = &step.create.sso_user_value {
            request = request
                .single_sign_on_user_identifier("UserName")
                .single_sign_on_user_value(value);
        }
        if !step.create.tags.is_empty() {
            request = request.set_tags(Some(sdk_tags(&step.create.tags)));
        }
        request.send().await.map_err(|e| error_text(&e))?;
        let target = Target::of(&step.domain_id, &Resource::UserProfile(step.name.clone()));
        wait::in_service(self.client, &target, &self.options).await
    }

    async fn delete_lcc(&self, step: &DeleteLcc) -> StepResult {
        let result = self
            .client
            .delete_studio_lifecycle_config()
            .studio_lifecycle_config_name(&step.name)
            .send()
            .await;
        match result {
            Ok(_) => StepResult::Done,
            Err(e) if error_code(&e) == Some("ResourceNotFound") => StepResult::Done,
            Err(e) if error_code(&e) == Some("ResourceInUse") => StepResult::Kept(error_text(&e)),
            Err(e) => StepResult::Failed(error_text(&e)),
        }
    }
}

fn busy(code: Option<&str>, message: String) -> (Option<&'static str>, String) {
    let code = (code == Some("ResourceInUse")).then_some("ResourceInUse");
    (code, message)
}

fn sdk_tags(tags: &[Tag]) -> Vec<SdkTag> {
    tags.iter()
        .map(|t| SdkTag::builder().key(&t.key).value(&t.value).build())
        .collect()
}
