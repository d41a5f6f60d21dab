//! The least-privilege IAM policy for `plan` (read-only) and for `apply` and `run`.
//!
//! [`READ_OPERATIONS`] and [`WRITE_OPERATIONS`] are the single list of SageMaker operations the
//! code calls; the policy is built from them, and the integration tests check that every
//! operation the SDK interceptor sees is on them.
//!
//! Resources are scoped by ARN pattern where IAM supports it (the `List*` operations do not
//! support resource-level permissions and get `*`). Deleting an LCC is allowed only on LCCs
//! tagged with the manifest's owner (`aws:ResourceTag/studio-lcc:owner`), so a leaked
//! credential cannot delete another team's scripts.

use serde_json::{Value, json};

use crate::model::OWNER_TAG;

/// SageMaker operations `plan` calls.
pub const READ_OPERATIONS: [&str; 11] = [
    "ListStudioLifecycleConfigs",
    "DescribeStudioLifecycleConfig",
    "ListTags",
    "ListDomains",
    "DescribeDomain",
    "ListUserProfiles",
    "DescribeUserProfile",
    "ListSpaces",
    "DescribeSpace",
    "ListApps",
    "DescribeApp",
];

/// SageMaker operations `apply` adds. `CreateUserProfile` with tags also needs `AddTags`.
pub const WRITE_OPERATIONS: [&str; 7] = [
    "CreateStudioLifecycleConfig",
    "AddTags",
    "DeleteStudioLifecycleConfig",
    "UpdateDomain",
    "CreateUserProfile",
    "UpdateUserProfile",
    "UpdateSpace",
];

/// What the policy is for and how narrowly it is scoped.
#[derive(Debug, Clone)]
pub struct PolicyOptions {
    /// Only what `plan` needs.
    pub read_only: bool,
    /// The manifest's owner; deletes are limited to LCCs tagged with it. Without it, deletes
    /// are limited to LCCs that carry an owner tag at all.
    pub owner: Option<String>,
    /// ARN partition (`aws`, `aws-cn`, `aws-us-gov`).
    pub partition: String,
    /// Region, or `*`.
    pub region: String,
    /// Account id, or `*`.
    pub account: String,
    /// Domain ids to limit domain, user profile, space and app access to; empty means all.
    pub domains: Vec<String>,
    /// Execution roles passed to `CreateUserProfile` (`iam:PassRole`).
    pub pass_roles: Vec<String>,
}

/// The policy document.
#[must_use]
pub fn policy(options: &PolicyOptions) -> Value {
    let arns = Arns::new(options);
    let mut statements = vec![
        statement("ListStudioResources", &read_lists(), &[String::from("*")]),
        statement(
            "ReadLifecycleConfigs",
            &["DescribeStudioLifecycleConfig", "ListTags"],
            &[arns.lcc()],
        ),
        statement(
            "ReadDomains",
            &["DescribeDomain"],
            &arns.per_domain("domain", ""),
        ),
        statement(
            "ReadUserProfiles",
            &["DescribeUserProfile"],
            &arns.user_profiles(),
        ),
        statement("ReadSpaces", &["DescribeSpace"], &arns.spaces()),
        statement("ReadApps", &["DescribeApp"], &arns.per_domain("app", "/*")),
    ];
    if !options.read_only {
        statements.extend(write_statements(options, &arns));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

fn write_statements(options: &PolicyOptions, arns: &Arns) -> Vec<Value> {
    let mut statements = vec![
        statement(
            "CreateLifecycleConfigs",
            &["CreateStudioLifecycleConfig", "AddTags"],
            &[arns.lcc()],
        ),
        delete_statement(options, arns),
        statement(
            "UpdateDomains",
            &["UpdateDomain"],
            &arns.per_domain("domain", ""),
        ),
        statement(
            "ManageUserProfiles",
            &["CreateUserProfile", "UpdateUserProfile", "AddTags"],
            &arns.user_profiles(),
        ),
        statement("UpdateSpaces", &["UpdateSpace"], &arns.spaces()),
    ];
    if !options.pass_roles.is_empty() {
        statements.push(json!({
            "Sid": "PassExecutionRoles",
            "Effect": "Allow",
            "Action": ["iam:PassRole"],
            "Resource": options.pass_roles,
            "Condition": { "StringEquals": { "iam:PassedToService": "sagemaker.amazonaws.com" } },
        }));
    }
    statements
}

fn delete_statement(options: &PolicyOptions, arns: &Arns) -> Value {
    let key = format!("aws:ResourceTag/{OWNER_TAG}");
    let condition = match &options.owner {
        Some(owner) => json!({ "StringEquals": { key: owner } }),
        None => json!({ "Null": { key: "false" } }),
    };
    let mut delete = statement(
        "DeleteOwnedLifecycleConfigs",
        &["DeleteStudioLifecycleConfig"],
        &[arns.lcc()],
    );
    delete["Condition"] = condition;
    delete
}

fn read_lists() -> Vec<&'static str> {
    READ_OPERATIONS
        .into_iter()
        .filter(|op| op.starts_with("List") && *op != "ListTags")
        .collect()
}

fn statement(sid: &str, operations: &[&str], resources: &[String]) -> Value {
    let actions: Vec<String> = operations
        .iter()
        .map(|op| format!("sagemaker:{op}"))
        .collect();
    json!({ "Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources })
}

/// ARN patterns of the resources the tool touches.
struct Arns<'o> {
    prefix: String,
    domains: &'o [String],
}

impl<'o> Arns<'o> {
    fn new(options: &'o PolicyOptions) -> Arns<'o> {
        let PolicyOptions {
            partition,
            region,
            account,
            ..
        } = options;
        Arns {
            prefix: format!("arn:{partition}:sagemaker:{region}:{account}"),
            domains: &options.domains,
        }
    }

    fn lcc(&self) -> String {
        format!("{}:studio-lifecycle-config/*", self.prefix)
    }

    fn user_profiles(&self) -> Vec<String> {
        self.per_domain("user-profile", "/*")
    }

    fn spaces(&self) -> Vec<String> {
        self.per_domain("space", "/*")
    }

    /// `<kind>/<domain id><rest>` for each domain, or `<kind>/*` when no domain is named.
    fn per_domain(&self, kind: &str, rest: &str) -> Vec<String> {
        if self.domains.is_empty() {
            return vec![format!("{}:{kind}/*", self.prefix)];
        }
        self.domains
            .iter()
            .map(|id| format!("{}:{kind}/{id}{rest}", self.prefix))
            .collect()
    }
}

/// Every `sagemaker:` action in a policy document.
#[must_use]
pub fn sagemaker_actions(policy: &Value) -> Vec<String> {
    let statements = policy["Statement"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut actions: Vec<String> = statements
        .iter()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| {
            a.as_str()
                .and_then(|a| a.strip_prefix("sagemaker:"))
                .map(str::to_owned)
        })
        .collect();
    actions.sort();
    actions.dedup();
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(read_only: bool) -> PolicyOptions {
        PolicyOptions {
            read_only,
            owner: Some("ml-platform-prod".into()),
            partition: "aws".into(),
            region: "*".into(),
            account: "*".into(),
            domains: Vec::new(),
            pass_roles: Vec::new(),
        }
    }

    fn sorted(ops: &[&str]) -> Vec<String> {
        let mut ops: Vec<String> = ops.iter().map(|s| (*s).to_owned()).collect();
        ops.sort();
        ops
    }

    #[test]
    fn read_only_policy_allows_exactly_the_read_operations() {
        assert_eq!(
            sagemaker_actions(&policy(&options(true))),
            sorted(&READ_OPERATIONS)
        );
    }

    #[test]
    fn apply_policy_allows_exactly_the_read_and_write_operations() {
        let all: Vec<&str> = READ_OPERATIONS
            .iter()
            .chain(&WRITE_OPERATIONS)
            .copied()
            .collect();
        assert_eq!(sagemaker_actions(&policy(&options(false))), sorted(&all));
    }

    #[test]
    fn deletes_are_limited_to_lccs_tagged_with_the_owner() {
        let policy = policy(&options(false));
        let delete = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "DeleteOwnedLifecycleConfigs")
            .unwrap();
        assert_eq!(
            delete["Condition"]["StringEquals"]["aws:ResourceTag/studio-lcc:owner"],
            "ml-platform-prod"
        );
        assert_eq!(
            delete["Action"],
            json!(["sagemaker:DeleteStudioLifecycleConfig"])
        );
    }

    #[test]
    fn named_domains_narrow_every_domain_scoped_resource() {
        let mut options = options(false);
        options.domains = vec!["d-abc123".into()];
        options.account = "123456789012".into();
        let text = policy(&options).to_string();
        assert!(text.contains("arn:aws:sagemaker:*:123456789012:user-profile/d-abc123/*"));
        assert!(text.contains("arn:aws:sagemaker:*:123456789012:domain/d-abc123\""));
        assert!(!text.contains("space/*\""));
    }
}
