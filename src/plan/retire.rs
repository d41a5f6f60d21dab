//! Retirement: which old owned versions can be deleted now, and which are kept and why.

use super::slots::PlannedSlots;
use super::types::{Blocker, DeleteLcc, Kept, Step};
use super::versions::Versions;
use crate::live::{LiveLcc, Snapshot};

/// Deletes for the old versions nothing uses after the plan; the rest are kept.
pub(super) fn plan_retirement(
    live: &Snapshot,
    versions: &Versions,
    planned: &PlannedSlots,
) -> (Vec<Step>, Vec<Kept>) {
    let mut deletes = Vec::new();
    let mut kept = Vec::new();
    for lcc in &versions.old {
        let blockers = blockers(live, planned, lcc);
        if blockers.is_empty() {
            let after = updates_releasing(planned, &lcc.arn);
            let step = DeleteLcc {
                name: lcc.name.clone(),
                arn: lcc.arn.clone(),
                after,
            };
            deletes.push(Step::DeleteLcc(step));
        } else {
            kept.push(Kept {
                name: lcc.name.clone(),
                arn: lcc.arn.clone(),
                blockers,
            });
        }
    }
    (deletes, kept)
}

/// What still uses an old version once the plan is applied.
fn blockers(live: &Snapshot, planned: &PlannedSlots, lcc: &LiveLcc) -> Vec<Blocker> {
    if !live.full_scan {
        return vec![Blocker::NotScanned];
    }
    let mut blockers: Vec<Blocker> = planned
        .all
        .iter()
        .filter(|slot| slot.after.refers_to(&lcc.arn))
        .map(|slot| Blocker::Reference {
            domain_id: slot.domain_id.clone(),
            scope: slot.scope.clone(),
            app_type: slot.app_type,
        })
        .collect();
    for domain in &live.domains {
        let running = domain.apps.iter().filter(|app| app.is_running());
        for app in running.filter(|app| uses(app, &lcc.arn)) {
            blockers.push(Blocker::RunningApp {
                domain_id: domain.id.clone(),
                owner: app.owner.clone(),
                app_type: app.app_type.clone(),
                app_name: app.name.clone(),
                status: app.status.clone(),
            });
        }
    }
    blockers
}

fn uses(app: &crate::live::LiveApp, arn: &str) -> bool {
    app.lcc_arn.as_deref() == Some(arn) || app.builtin_arn.as_deref() == Some(arn)
}

/// Keys of the updates that drop a reference to `arn`: the delete waits for them.
fn updates_releasing(planned: &PlannedSlots, arn: &str) -> Vec<String> {
    let mut keys: Vec<String> = planned
        .all
        .iter()
        .filter(|slot| slot.before.refers_to(arn))
        .filter_map(|slot| slot.step.clone())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
