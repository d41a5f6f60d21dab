//! ARN formats and generated identifiers of the emulated account.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// The account and region every ARN is minted in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Arns {
    pub account_id: String,
    pub region: String,
}

impl Arns {
    fn prefix(&self) -> String {
        format!("arn:aws:sagemaker:{}:{}", self.region, self.account_id)
    }

    pub fn lcc(&self, name: &str) -> String {
        format!("{}:studio-lifecycle-config/{name}", self.prefix())
    }

    pub fn domain(&self, id: &str) -> String {
        format!("{}:domain/{id}", self.prefix())
    }

    pub fn user_profile(&self, domain_id: &str, name: &str) -> String {
        format!("{}:user-profile/{domain_id}/{name}", self.prefix())
    }

    pub fn space(&self, domain_id: &str, name: &str) -> String {
        format!("{}:space/{domain_id}/{name}", self.prefix())
    }

    pub fn app(&self, domain_id: &str, owner: &str, app_type: &str, name: &str) -> String {
        format!(
            "{}:app/{domain_id}/{owner}/{app_type}/{name}",
            self.prefix()
        )
    }

    /// The LCC name in an LCC ARN of this account and region.
    pub fn lcc_name<'a>(&self, arn: &'a str) -> Option<&'a str> {
        let prefix = format!("{}:studio-lifecycle-config/", self.prefix());
        arn.strip_prefix(prefix.as_str())
    }

    /// The URL of a domain's Studio.
    pub fn studio_url(&self, domain_id: &str) -> String {
        format!("https://{domain_id}.studio.{}.sagemaker.aws", self.region)
    }
}

/// `d-` plus 12 lowercase alphanumerics, like AWS domain ids.
pub(crate) fn new_domain_id() -> String {
    format!(
        "d-{}",
        random_chars(12, b"abcdefghijklmnopqrstuvwxyz0123456789")
    )
}

/// `fs-` plus 17 hex digits, like an EFS file system id.
pub(crate) fn new_efs_id() -> String {
    format!("fs-{}", random_chars(17, b"0123456789abcdef"))
}

fn random_chars(n: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}
