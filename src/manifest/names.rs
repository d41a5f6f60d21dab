//! Name and ARN rules, from SageMaker's API model, checked before anything is sent.
//!
//! Each check returns `Err(reason)` with a sentence that completes "`value` is not valid:".

use crate::model::MAX_SCRIPT_NAME_LEN;

/// The SageMaker name shape `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,n}`, at most `max_len` characters.
fn hyphenated(s: &str, max_len: usize) -> Result<(), String> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    if s.is_empty() {
        return Err("it is empty".to_owned());
    }
    if let Some(bad) = s.chars().find(|&c| !alnum(c) && c != '-') {
        return Err(format!(
            "`{bad}` is not allowed; use letters, digits and `-`"
        ));
    }
    if !s.starts_with(alnum) || !s.ends_with(alnum) {
        return Err("it must start and end with a letter or digit".to_owned());
    }
    if s.len() > max_len {
        return Err(format!(
            "it has {} characters; the maximum is {max_len}",
            s.len()
        ));
    }
    Ok(())
}

/// A logical script name: it must still be a valid LCC name with `-` and 8 hex digits added.
pub(crate) fn script_name(s: &str) -> Result<(), String> {
    hyphenated(s, MAX_SCRIPT_NAME_LEN)
}

/// An LCC name (`StudioLifecycleConfigName`).
pub(crate) fn lcc_name(s: &str) -> Result<(), String> {
    hyphenated(s, 63)
}

/// A user profile or space name.
pub(crate) fn profile_name(s: &str) -> Result<(), String> {
    hyphenated(s, 63)
}

/// A domain name.
pub(crate) fn domain_name(s: &str) -> Result<(), String> {
    hyphenated(s, 63)
}

/// A domain id: `d-(-*[a-z0-9]){1,61}`.
pub(crate) fn domain_id(s: &str) -> Result<(), String> {
    let Some(rest) = s.strip_prefix("d-") else {
        return Err("a domain id starts with `d-`".to_owned());
    };
    let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if let Some(bad) = rest.chars().find(|&c| !lower(c) && c != '-') {
        return Err(format!(
            "`{bad}` is not allowed; use lowercase letters, digits and `-`"
        ));
    }
    if !rest.ends_with(lower) {
        return Err("it must end with a lowercase letter or digit".to_owned());
    }
    if s.len() > 63 {
        return Err(format!("it has {} characters; the maximum is 63", s.len()));
    }
    Ok(())
}

/// The owner id: `[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}` (a subset of what a tag value allows).
pub(crate) fn owner(s: &str) -> Result<(), String> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if s.is_empty() {
        return Err("it is empty".to_owned());
    }
    if let Some(bad) = s.chars().find(|&c| !ok(c)) {
        return Err(format!(
            "`{bad}` is not allowed; use letters, digits, `.`, `_` and `-`"
        ));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("it must start with a letter or digit".to_owned());
    }
    if s.len() > 63 {
        return Err(format!("it has {} characters; the maximum is 63", s.len()));
    }
    Ok(())
}

/// An environment variable name for `export`.
pub(crate) fn env_key(s: &str) -> Result<(), String> {
    let first_ok = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    let rest_ok = s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err("a shell variable name is letters, digits and `_`, not starting with a digit".into())
    }
}

/// A character allowed in tag keys and values (`[\p{L}\p{Z}\p{N}_.:/=+\-@]`).
fn tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// A tag key a manifest may set.
pub(crate) fn tag_key(s: &str) -> Result<(), String> {
    let lower = s.to_lowercase();
    if lower.starts_with("aws:") || lower.starts_with("studio-lcc:") {
        return Err("keys starting with `aws:` or `studio-lcc:` are reserved".to_owned());
    }
    if s.is_empty() || s.chars().count() > 128 {
        return Err("a tag key has 1 to 128 characters".to_owned());
    }
    match s.chars().find(|&c| !tag_char(c)) {
        Some(bad) => Err(format!("`{bad}` is not allowed in tags")),
        None => Ok(()),
    }
}

/// A tag value.
pub(crate) fn tag_value(s: &str) -> Result<(), String> {
    if s.chars().count() > 256 {
        return Err("a tag value has at most 256 characters".to_owned());
    }
    match s.chars().find(|&c| !tag_char(c)) {
        Some(bad) => Err(format!("`{bad}` is not allowed in tags")),
        None => Ok(()),
    }
}

/// The parts of an ARN that differ between kinds (partition and account are checked on split).
struct Arn<'a> {
    service: &'a str,
    region: &'a str,
    resource: &'a str,
}

fn split_arn(s: &str) -> Result<Arn<'_>, String> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Err("an ARN looks like `arn:aws:sagemaker:REGION:ACCOUNT:TYPE/NAME`".to_owned());
    };
    let partition_ok = partition
        .strip_prefix("aws")
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
    if prefix != "arn" || !partition_ok {
        return Err("an ARN starts with `arn:aws`".to_owned());
    }
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Err("the account id in an ARN is 12 digits".to_owned());
    }
    Ok(Arn {
        service,
        region,
        resource,
    })
}

/// A Studio lifecycle configuration ARN.
pub(crate) fn lcc_arn(s: &str) -> Result<(), String> {
    if s.len() > 256 {
        return Err("an ARN has at most 256 characters".to_owned());
    }
    let arn = split_arn(s)?;
    if arn.service != "sagemaker" {
        return Err(format!(
            "this is an ARN of `{}`, not of a lifecycle configuration",
            arn.service
        ));
    }
    if !arn
        .region
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err("the region in the ARN is not valid".to_owned());
    }
    match arn.resource.split_once('/') {
        Some(("studio-lifecycle-config", name)) if !name.is_empty() => Ok(()),
        Some(("studio-lifecycle-config", _)) => Err("the ARN has no name after `/`".to_owned()),
        _ => {
            let kind = arn.resource.split('/').next().unwrap_or_default();
            Err(format!(
                "this is a `{kind}` ARN, not a `studio-lifecycle-config` ARN"
            ))
        }
    }
}

/// An IAM role ARN (`UserSettings.ExecutionRole`).
pub(crate) fn role_arn(s: &str) -> Result<(), String> {
    if !(20..=2048).contains(&s.len()) {
        return Err("a role ARN has 20 to 2048 characters".to_owned());
    }
    let arn = split_arn(s)?;
    if arn.service != "iam" || !arn.region.is_empty() {
        return Err("a role ARN looks like `arn:aws:iam::ACCOUNT:role/NAME`".to_owned());
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-/".contains(c);
    match arn.resource.strip_prefix("role") {
        Some(rest) if !rest.trim_start_matches('/').is_empty() && rest.chars().all(ok) => Ok(()),
        _ => Err("this is not a role ARN (`...:role/NAME`)".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_names_leave_room_for_the_hash_suffix() {
        assert!(script_name(&"a".repeat(54)).is_ok());
        assert!(script_name(&"a".repeat(55)).is_err());
        assert!(script_name("pip-install").is_ok());
        assert!(script_name("-x").is_err());
        assert!(script_name("a_b").is_err());
    }

    #[test]
    fn domain_ids_follow_the_api_pattern() {
        assert!(domain_id("d-examplemain01").is_ok());
        assert!(domain_id("d-Upper").is_err());
        assert!(domain_id("x-abc").is_err());
        assert!(domain_id("d-").is_err());
    }

    #[test]
    fn lcc_arns_are_checked_for_kind() {
        let good = "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/x";
        assert!(lcc_arn(good).is_ok());
        let domain = "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc";
        assert_eq!(
            lcc_arn(domain).unwrap_err(),
            "this is a `domain` ARN, not a `studio-lifecycle-config` ARN"
        );
        assert!(lcc_arn("arn:aws:sagemaker:us-east-1:1234:studio-lifecycle-config/x").is_err());
    }

    #[test]
    fn role_arns_are_checked() {
        assert!(role_arn("arn:aws:iam::123456789012:role/service-role/Exec").is_ok());
        assert!(role_arn("arn:aws:iam::123456789012:user/bob").is_err());
    }

    #[test]
    fn reserved_tag_keys_are_refused() {
        assert!(tag_key("team").is_ok());
        assert!(tag_key("aws:cloudformation").is_err());
        assert!(tag_key("studio-lcc:owner").is_err());
    }
}
