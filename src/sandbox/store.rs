//! The emulated account's resources, kept in their wire shape.
//!
//! Every resource is a [`Record`]: a JSON object with the members a Describe call returns, plus
//! an optional pending [`Transition`] (for example "InService at time T"). Transitions are
//! resolved lazily by [`Store::settle`] before each call, so no background task is needed.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// All resources of one account and region.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Store {
    /// Lifecycle configurations by name.
    pub lccs: IndexMap<String, Record>,
    /// Domains by id.
    pub domains: IndexMap<String, Record>,
    /// User profiles by `domainId/lowercased name`.
    pub user_profiles: IndexMap<String, Record>,
    /// Spaces by `domainId/name`.
    pub spaces: IndexMap<String, Record>,
    /// Apps by `domainId/owner kind/owner/app type/app name`.
    pub apps: IndexMap<String, Record>,
    /// Tags by resource ARN, in the order they were added.
    pub tags: IndexMap<String, IndexMap<String, String>>,
}

/// One stored resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Record {
    /// The resource in its wire shape.
    pub body: Map<String, Value>,
    /// A status change that takes effect at a given time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
}

/// A status the resource reaches at `at` (epoch seconds).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Transition {
    pub at: f64,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

impl Record {
    /// A record from a wire-shaped object.
    pub fn new(body: Map<String, Value>) -> Record {
        Record {
            body,
            transition: None,
        }
    }

    /// A string member, if present.
    pub fn str(&self, member: &str) -> Option<&str> {
        self.body.get(member).and_then(Value::as_str)
    }

    /// The `Status` member (empty when absent).
    pub fn status(&self) -> &str {
        self.str("Status").unwrap_or_default()
    }

    /// Sets `Status` now and schedules `then` at `at`.
    pub fn enter(&mut self, now_status: &str, then: Transition) {
        self.body.insert("Status".into(), Value::from(now_status));
        self.transition = Some(then);
    }

    /// Applies the pending transition if its time has come.
    fn settle(&mut self, now: f64) {
        let Some(t) = self.transition.take_if(|t| t.at <= now) else {
            return;
        };
        self.body.insert("Status".into(), Value::from(t.status));
        match t.failure_reason {
            Some(reason) => self
                .body
                .insert("FailureReason".into(), Value::from(reason)),
            None => self.body.remove("FailureReason"),
        };
    }
}

impl Store {
    /// Resolves every transition that is due at `now`.
    pub fn settle(&mut self, now: f64) {
        let all = self
            .domains
            .values_mut()
            .chain(self.user_profiles.values_mut())
            .chain(self.spaces.values_mut())
            .chain(self.apps.values_mut());
        for record in all {
            record.settle(now);
        }
    }

    /// The stored spelling of `arn` if such a resource exists (deleted apps included, as AWS
    /// still lists them). User profile ARNs match without regard to case, others exactly.
    pub fn find_arn(&self, arn: &str) -> Option<String> {
        let groups = [
            (&self.lccs, "StudioLifecycleConfigArn"),
            (&self.domains, "DomainArn"),
            (&self.user_profiles, "UserProfileArn"),
            (&self.spaces, "SpaceArn"),
            (&self.apps, "AppArn"),
        ];
        // Only user profile names are matched without regard to case; every other name (an
        // LCC's included) is exact, so `Foo-1` and `foo-1` are two resources with two tag sets.
        groups.into_iter().find_map(|(records, member)| {
            let folds_case = member == "UserProfileArn";
            let mut arns = records.values().filter_map(|r| r.str(member));
            arns.find(|a| *a == arn || (folds_case && a.eq_ignore_ascii_case(arn)))
                .map(str::to_owned)
        })
    }
}

/// The key of a user profile: names are matched without regard to case.
pub(crate) fn profile_key(domain_id: &str, name: &str) -> String {
    format!("{domain_id}/{}", name.to_lowercase())
}

/// The key of a space.
pub(crate) fn space_key(domain_id: &str, name: &str) -> String {
    format!("{domain_id}/{name}")
}

/// The current time in epoch seconds, to the millisecond.
pub(crate) fn now_epoch() -> f64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (since.as_millis() as f64) / 1000.0
}
