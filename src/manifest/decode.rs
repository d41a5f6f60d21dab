//! Decoding: the YAML tree into the raw manifest types, reporting every wrong key and type.
//!
//! Serde's derived deserializers stop at the first problem; this walker does not. Each struct
//! is read by hand against the key list of its own JSON Schema (so the accepted keys and the
//! published schema cannot drift apart); an unknown key gets a "did you mean".

use schemars::JsonSchema;

use super::diagnostic::{Sink, did_you_mean};
use super::raw::{
    AppSlots, At, CreateSpec, DomainSpec, ForeignSpec, Keyed, ManifestFile, ProfileCreateSpec,
    ScriptRef, ScriptSpec, SlotSpec, SpaceDefaultSlots, SpaceSlotSpec, SpaceSpec, UserProfileSpec,
    VariantSpec,
};
use super::tree::{Node, Pos, Value};
use crate::model::AppType;

/// The document path of `key` inside `path`.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The property names of a struct's JSON Schema: the keys the manifest accepts for it.
pub(crate) fn keys_of<T: JsonSchema>() -> Vec<String> {
    let schema = schemars::schema_for!(T);
    schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// A key that exists in the schema elsewhere but is not allowed at this place, with the reason.
struct Refused {
    key: &'static str,
    message: &'static str,
    hint: &'static str,
}

/// The checked entries of one mapping.
struct Fields<'a> {
    entries: Vec<(&'a str, &'a Node)>,
    pos: Pos,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Node> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// The value of `key`, unless it is absent or `null` (both count as not written).
    fn value(&self, key: &str) -> Option<&'a Node> {
        self.get(key).filter(|n| n.value != Value::Null)
    }
}

/// Walks the tree and reports into a sink.
pub(crate) struct Decoder<'s> {
    sink: &'s mut Sink,
}

impl<'s> Decoder<'s> {
    /// A decoder reporting into `sink`.
    pub(crate) fn new(sink: &'s mut Sink) -> Decoder<'s> {
        Decoder { sink }
    }

    fn error(&mut self, pos: Pos, path: &str, message: String, hint: Option<String>) {
        self.sink.error(pos, path, message, hint);
    }

    fn wrong_kind(&mut self, node: &Node, path: &str, expected: &str) {
        let message = format!("expected {expected}, found {}", node.value.kind());
        self.error(node.pos, path, message, None);
    }

    /// The entries of a mapping with string keys, each key checked against `known`.
    ///
    /// `null` reads as an empty mapping. Repeated and unknown keys are reported and dropped.
    fn fields<'a>(
        &mut self,
        node: &'a Node,
        path: &str,
        known: &[String],
        refused: &[Refused],
    ) -> Option<Fields<'a>> {
        let pairs = self.pairs(node, path)?;
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let mut entries = Vec::new();
        for (key, key_pos, value) in pairs {
            let here = join(path, key);
            if let Some(r) = refused.iter().find(|r| r.key == key) {
                self.error(
                    key_pos,
                    &here,
                    r.message.to_owned(),
                    Some(r.hint.to_owned()),
                );
            } else if known.contains(&key) {
                entries.push((key, value));
            } else {
                let message = format!("unknown key `{key}`");
                self.error(key_pos, &here, message, Some(did_you_mean(key, &known)));
            }
        }
        Some(Fields {
            entries,
            pos: node.pos,
        })
    }

    /// The entries of a mapping whose keys are strings, without repeated keys.
    fn pairs<'a>(&mut self, node: &'a Node, path: &str) -> Option<Vec<(&'a str, Pos, &'a Node)>> {
        let entries = match &node.value {
            Value::Map(entries) => entries,
            Value::Null => return Some(Vec::new()),
            _ => {
                self.wrong_kind(node, path, "a mapping");
                return None;
            }
        };
        let mut out: Vec<(&str, Pos, &Node)> = Vec::new();
        for (key, value) in entries {
            let Value::Str(name) = &key.value else {
                let message = format!("keys must be strings, found {}", key.value.kind());
                self.error(key.pos, path, message, Some("quote the key".to_owned()));
                continue;
            };
            if let Some((_, first, _)) = out.iter().find(|(k, _, _)| k == name) {
                let message = format!("`{name}` is written twice (first at line {})", first.line);
                self.error(
                    key.pos,
                    &join(path, name),
                    message,
                    Some("remove one".to_owned()),
                );
                continue;
            }
            out.push((name, key.pos, value));
        }
        Some(out)
    }

    /// A string value.
    fn string(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        match &node.value {
            Value::Str(s) => Some(At::new(s.clone(), node.pos)),
            _ => {
                self.wrong_kind(node, path, "a string");
                None
            }
        }
    }

    /// A value for `env` or `tags`: strings, integers and booleans are taken as written.
    fn text(&mut self, node: &Node, path: &str) -> Option<At<String>> {
        let text = match &node.value {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Float(_) => {
                let message = "a decimal number here would lose its exact spelling".to_owned();
                let hint = "write the value in quotes, for example \"1.10\"".to_owned();
                self.error(node.pos, path, message, Some(hint));
                return None;
            }
            _ => {
                self.wrong_kind(node, path, "a string");
                return None;
            }
        };
        Some(At::new(text, node.pos))
    }

    fn boolean(&mut self, node: &Node, path: &str) -> Option<At<bool>> {
        match &node.value {
            Value::Bool(b) => Some(At::new(*b, node.pos)),
            _ => {
                self.wrong_kind(node, path, "`true` or `false`");
                None
            }
        }
    }

    fn app_type(&mut self, node: &Node, path: &str) -> Option<At<AppType>> {
        let text = self.string(node, path)?;
        if let Some(app_type) = AppType::from_wire(&text.value) {
            return Some(At::new(app_type, text.pos));
        }
        let names: Vec<&str> = AppType::ALL.iter().map(|t| t.as_str()).collect();
        let message = format!("unknown app type `{}`", text.value);
        self.error(
            text.pos,
            path,
            message,
            Some(did_you_mean(&text.value, &names)),
        );
        None
    }

    /// A mapping from names to values read by `read`.
    fn keyed<V>(
        &mut self,
        node: Option<&Node>,
        path: &str,
        mut read: impl FnMut(&mut Self, &Node, &str) -> Option<V>,
    ) -> Keyed<V> {
        let Some(node) = node else {
            return Keyed::default();
        };
        let Some(pairs) = self.pairs(node, path) else {
            return Keyed::default();
        };
        let mut out = Vec::new();
        for (key, key_pos, value) in pairs {
            if let Some(v) = read(self, value, &join(path, key)) {
                out.push((At::new(key.to_owned(), key_pos), v));
            }
        }
        Keyed(out)
    }

    /// A map of text values (`env`, `tags`).
    fn text_map(&mut self, node: Option<&Node>, path: &str) -> Keyed<At<String>> {
        self.keyed(node, path, Self::text)
    }

    fn optional<T>(
        &mut self,
        node: Option<&Node>,
        path: &str,
        read: impl FnOnce(&mut Self, &Node, &str) -> Option<T>,
    ) -> Option<T> {
        read(self, node?, path)
    }

    /// Reports a required key that is missing.
    fn missing(&mut self, fields: &Fields<'_>, path: &str, key: &str, hint: &str) {
        let message = format!("missing required key `{key}`");
        self.error(fields.pos, path, message, Some(hint.to_owned()));
    }

    /// The whole manifest file.
    pub(crate) fn manifest(&mut self, node: &Node) -> Option<ManifestFile> {
        if node.value == Value::Null {
            let hint = "start with `owner:`, `scripts:` and `domains:`".to_owned();
            self.error(node.pos, "", "the manifest is empty".to_owned(), Some(hint));
            return None;
        }
        let f = self.fields(node, "", &keys_of::<ManifestFile>(), &[])?;
        let owner = self.optional(f.value("owner"), "owner", Self::string);
        let scripts = self.keyed(f.get("scripts"), "scripts", Self::script);
        let domains = self.keyed(f.get("domains"), "domains", Self::domain);
        Some(ManifestFile {
            owner,
            scripts,
            domains,
        })
    }

    fn script(&mut self, node: &Node, path: &str) -> Option<ScriptSpec> {
        let f = self.fields(node, path, &keys_of::<ScriptSpec>(), &[])?;
        let at = |k: &str| join(path, k);
        let app_type = self.optional(f.value("appType"), &at("appType"), Self::app_type);
        let spec_file = self.optional(f.value("file"), &at("file"), Self::string);
        let inline = self.optional(f.value("inline"), &at("inline"), Self::string);
        let env = self.text_map(f.get("env"), &at("env"));
        let tags = self.text_map(f.get("tags"), &at("tags"));
        let normalize = f.value("normalizeLineEndings");
        let normalize_line_endings =
            self.optional(normalize, &at("normalizeLineEndings"), Self::boolean);
        let description = self.optional(f.value("description"), &at("description"), Self::string);
        let adopt = self.optional(f.value("adopt"), &at("adopt"), Self::string);
        if f.value("appType").is_none() {
            let hint = "one of `JupyterServer`, `KernelGateway`, `JupyterLab`, `CodeEditor`";
            self.missing(&f, path, "appType", hint);
        }
        self.check_source(&f, path, spec_file.as_ref(), inline.as_ref());
        Some(ScriptSpec {
            app_type: app_type?,
            file: spec_file,
            inline,
            env,
            tags,
            normalize_line_endings,
            description,
            adopt,
        })
    }

    /// Exactly one of `file` and `inline`.
    fn check_source(
        &mut self,
        f: &Fields<'_>,
        path: &str,
        file: Option<&At<String>>,
        inline: Option<&At<String>>,
    ) {
        match (f.value("file"), f.value("inline"), file, inline) {
            (None, None, _, _) => {
                let hint = "give the script as `file: scripts/name.sh` or as `inline: |`";
                self.missing(f, path, "file", hint);
            }
            (Some(_), Some(_), _, Some(inline)) => {
                let message = "a script has either `file` or `inline`, not both".to_owned();
                self.error(inline.pos, &join(path, "inline"), message, None);
            }
            _ => {}
        }
    }

    fn domain(&mut self, node: &Node, path: &str) -> Option<DomainSpec> {
        let f = self.fields(node, path, &keys_of::<DomainSpec>(), &[])?;
        let at = |k: &str| join(path, k);
        let id = self.optional(f.value("id"), &at("id"), Self::string);
        let name = self.optional(f.value("name"), &at("name"), Self::string);
        let defaults = self.optional(f.get("defaults"), &at("defaults"), Self::app_slots);
        let space_defaults = self.optional(
            f.get("spaceDefaults"),
            &at("spaceDefaults"),
            Self::space_default_slots,
        );
        let user_profiles = self.keyed(f.get("userProfiles"), &at("userProfiles"), Self::profile);
        let spaces = self.keyed(f.get("spaces"), &at("spaces"), Self::space);
        match (f.value("id"), f.value("name")) {
            (None, None) => {
                self.missing(&f, path, "id", "pick the domain by `id: d-...` or `name:`")
            }
            (Some(_), Some(n)) => {
                let message = "a domain is picked by `id` or by `name`, not both".to_owned();
                self.error(n.pos, &at("name"), message, None);
            }
            _ => {}
        }
        Some(DomainSpec {
            id,
            name,
            defaults,
            space_defaults,
            user_profiles,
            spaces,
        })
    }

    fn app_slots(&mut self, node: &Node, path: &str) -> Option<AppSlots> {
        let f = self.fields(node, path, &keys_of::<AppSlots>(), &[])?;
        Some(self.app_slots_from(&f, path))
    }

    fn app_slots_from(&mut self, f: &Fields<'_>, path: &str) -> AppSlots {
        let slot = |d: &mut Self, key: &str| d.optional(f.get(key), &join(path, key), Self::slot);
        AppSlots {
            jupyter_server: slot(self, "jupyterServer"),
            kernel_gateway: slot(self, "kernelGateway"),
            jupyter_lab: slot(self, "jupyterLab"),
            code_editor: slot(self, "codeEditor"),
        }
    }

    fn space_default_slots(&mut self, node: &Node, path: &str) -> Option<SpaceDefaultSlots> {
        let refused = [Refused {
            key: "codeEditor",
            message: "`spaceDefaults` has no `codeEditor`: SageMaker's DefaultSpaceSettings has \
                      no Code Editor settings",
            hint: "set a Code Editor default on each space under `spaces`, or in `defaults`",
        }];
        let f = self.fields(node, path, &keys_of::<SpaceDefaultSlots>(), &refused)?;
        let slot = |d: &mut Self, key: &str| d.optional(f.get(key), &join(path, key), Self::slot);
        Some(SpaceDefaultSlots {
            jupyter_server: slot(self, "jupyterServer"),
            kernel_gateway: slot(self, "kernelGateway"),
            jupyter_lab: slot(self, "jupyterLab"),
        })
    }

    fn slot(&mut self, node: &Node, path: &str) -> Option<SlotSpec> {
        let f = self.fields(node, path, &keys_of::<SlotSpec>(), &[])?;
        let scripts = match f.get("scripts") {
            Some(list) => self.script_list(list, &join(path, "scripts")),
            None => Vec::new(),
        };
        let default = self.optional(f.value("default"), &join(path, "default"), Self::script_ref);
        let built_in = self.optional(f.value("builtIn"), &join(path, "builtIn"), Self::script_ref);
        Some(SlotSpec {
            scripts,
            default,
            built_in,
        })
    }

    fn script_list(&mut self, node: &Node, path: &str) -> Vec<ScriptRef> {
        let items = match &node.value {
            Value::Seq(items) => items,
            Value::Null => return Vec::new(),
            _ => {
                self.wrong_kind(node, path, "a list of scripts");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            out.extend(self.script_ref(item, &format!("{path}[{i}]")));
        }
        out
    }

    /// `name`, `{script, env}` or `{arn}`.
    pub(crate) fn script_ref(&mut self, node: &Node, path: &str) -> Option<ScriptRef> {
        let (has_script, has_arn) = match &node.value {
            Value::Str(name) => return Some(ScriptRef::Name(At::new(name.clone(), node.pos))),
            Value::Map(entries) => {
                let has = |k: &str| {
                    entries
                        .iter()
                        .any(|(key, _)| key.value == Value::Str(k.into()))
                };
                (has("script"), has("arn"))
            }
            _ => (false, false),
        };
        match (has_script, has_arn) {
            (true, true) => {
                let message = "a reference has `script` or `arn`, not both".to_owned();
                self.error(node.pos, path, message, None);
                None
            }
            (true, false) => self.variant(node, path).map(ScriptRef::Variant),
            (false, true) => self.foreign(node, path).map(ScriptRef::Foreign),
            (false, false) => {
                let message = format!("expected a script reference, found {}", node.value.kind());
                let hint = "write a script name, `{script: name, env: {...}}` or `{arn: ...}`";
                self.error(node.pos, path, message, Some(hint.to_owned()));
                None
            }
        }
    }

    fn variant(&mut self, node: &Node, path: &str) -> Option<VariantSpec> {
        let f = self.fields(node, path, &keys_of::<VariantSpec>(), &[])?;
        let script = self.optional(f.value("script"), &join(path, "script"), Self::string);
        let env = self.text_map(f.get("env"), &join(path, "env"));
        if f.value("script").is_none() {
            self.missing(
                &f,
                path,
                "script",
                "name the script this use is a variant of",
            );
        }
        Some(VariantSpec {
            script: script?,
            env,
        })
    }

    fn foreign(&mut self, node: &Node, path: &str) -> Option<ForeignSpec> {
        let f = self.fields(node, path, &keys_of::<ForeignSpec>(), &[])?;
        let arn = self.optional(f.value("arn"), &join(path, "arn"), Self::string);
        if f.value("arn").is_none() {
            self.missing(&f, path, "arn", "give the lifecycle configuration's ARN");
        }
        Some(ForeignSpec { arn: arn? })
    }

    fn profile(&mut self, node: &Node, path: &str) -> Option<UserProfileSpec> {
        let f = self.fields(node, path, &keys_of::<UserProfileSpec>(), &[])?;
        let create = self.optional(f.value("create"), &join(path, "create"), Self::create);
        let slots = self.app_slots_from(&f, path);
        Some(UserProfileSpec { create, slots })
    }

    fn create(&mut self, node: &Node, path: &str) -> Option<CreateSpec> {
        if let Value::Bool(b) = node.value {
            return Some(CreateSpec::Flag(At::new(b, node.pos)));
        }
        if !matches!(node.value, Value::Map(_)) {
            self.wrong_kind(node, path, "`true` or a mapping of creation settings");
            return None;
        }
        let f = self.fields(node, path, &keys_of::<ProfileCreateSpec>(), &[])?;
        let role = self.optional(
            f.value("executionRole"),
            &join(path, "executionRole"),
            Self::string,
        );
        let sso = self.optional(
            f.value("ssoUserValue"),
            &join(path, "ssoUserValue"),
            Self::string,
        );
        let tags = self.text_map(f.get("tags"), &join(path, "tags"));
        Some(CreateSpec::With(ProfileCreateSpec {
            execution_role: role,
            sso_user_value: sso,
            tags,
        }))
    }

    fn space(&mut self, node: &Node, path: &str) -> Option<SpaceSpec> {
        let f = self.fields(node, path, &keys_of::<SpaceSpec>(), &[])?;
        let slot =
            |d: &mut Self, key: &str| d.optional(f.get(key), &join(path, key), Self::space_slot);
        Some(SpaceSpec {
            jupyter_server: slot(self, "jupyterServer"),
            kernel_gateway: slot(self, "kernelGateway"),
            jupyter_lab: slot(self, "jupyterLab"),
            code_editor: slot(self, "codeEditor"),
        })
    }

    fn space_slot(&mut self, node: &Node, path: &str) -> Option<SpaceSlotSpec> {
        let refused = [
            Refused {
                key: "scripts",
                message: "a space has no list of scripts, only a `default`",
                hint: "set the list on the domain's `spaceDefaults` or on a user profile",
            },
            Refused {
                key: "builtIn",
                message: "a space has no built-in script, only a `default`",
                hint: "set `builtIn` on the domain's `defaults` or `spaceDefaults`",
            },
        ];
        let f = self.fields(node, path, &keys_of::<SpaceSlotSpec>(), &refused)?;
        let default = self.optional(f.value("default"), &join(path, "default"), Self::script_ref);
        Some(SpaceSlotSpec { default })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::manifest::tree::parse;

    fn decode(yaml: &str) -> (Option<ManifestFile>, Vec<String>) {
        let mut sink = Sink::new(Path::new("m.yaml"));
        let node = parse(yaml).unwrap();
        let file = Decoder::new(&mut sink).manifest(&node);
        (
            file,
            sink.diagnostics.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn keys_of_reads_flattened_fields_too() {
        let keys = keys_of::<UserProfileSpec>();
        assert!(keys.contains(&"create".to_owned()));
        assert!(keys.contains(&"jupyterLab".to_owned()));
    }

    #[test]
    fn every_unknown_key_is_reported_with_a_suggestion() {
        let yaml = "ownr: x\nscripts:\n  a:\n    appTyp: JupyterLab\n    inline: x\n";
        let (_, diags) = decode(yaml);
        assert_eq!(diags.len(), 3, "{diags:#?}");
        assert!(
            diags[0].contains("m.yaml:1:1: error: unknown key `ownr`"),
            "{}",
            diags[0]
        );
        assert!(diags[0].contains("did you mean `owner`?"));
        assert!(
            diags[1].starts_with("m.yaml:4:5: error: unknown key `appTyp`"),
            "{}",
            diags[1]
        );
        assert!(
            diags[2].contains("missing required key `appType`"),
            "{}",
            diags[2]
        );
    }
}
