//! Counting SageMaker calls by operation and outcome, with an SDK interceptor.
//!
//! The interceptor sees every call the client makes, whoever makes it (the reader, apply, the
//! sandbox seeding), so the counts cannot drift from the code. It counts one call per
//! operation execution, after the client's retries: a call that succeeded on its third attempt
//! counts once, as a success.

use std::sync::Arc;

use aws_sdk_sagemaker::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::metrics::Metrics;

/// Records each finished call in [`Metrics::aws_calls`].
#[derive(Debug, Clone)]
pub struct CallRecorder {
    metrics: Arc<Metrics>,
}

impl CallRecorder {
    /// A recorder that counts into `metrics`.
    #[must_use]
    pub fn new(metrics: Arc<Metrics>) -> CallRecorder {
        CallRecorder { metrics }
    }
}

impl Intercept for CallRecorder {
    fn name(&self) -> &'static str {
        "studio_lcc::CallRecorder"
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map_or("unknown", Metadata::name);
        let outcome = match context.output_or_error() {
            Some(Ok(_)) => "success",
            Some(Err(_)) | None => "error",
        };
        self.metrics.record_call(operation, outcome);
        Ok(())
    }
}

/// The same client, with a [`CallRecorder`] counting into `metrics`.
#[must_use]
pub fn instrument(client: &Client, metrics: &Arc<Metrics>) -> Client {
    let config = client
        .config()
        .to_builder()
        .interceptor(CallRecorder::new(Arc::clone(metrics)))
        .build();
    Client::from_conf(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{FaultConfig, SandboxConfig};

    #[tokio::test]
    async fn calls_are_counted_by_operation_and_outcome() {
        let sandbox = crate::sandbox::start(SandboxConfig::default())
            .await
            .unwrap();
        let metrics = Arc::new(Metrics::new());
        let client = instrument(
            &crate::aws::sandbox_client(&sandbox.endpoint_url(), 1),
            &metrics,
        );
        client.list_domains().send().await.unwrap();
        sandbox.set_faults(FaultConfig {
            server_error_probability: 1.0,
            ..FaultConfig::default()
        });
        assert!(client.list_domains().send().await.is_err());
        let text = metrics.encode();
        for outcome in ["success", "error"] {
            let line = format!(
                "studio_lcc_aws_calls_total{{operation=\"ListDomains\",outcome=\"{outcome}\"}} 1"
            );
            assert!(text.contains(&line), "missing `{line}` in:\n{text}");
        }
    }
}
