//! Property tests: no input makes the loader panic, and alias bombs are refused.

use std::path::Path;

use proptest::prelude::*;
use studio_lcc::manifest::{self, LoadOptions, ManifestError};

fn load(yaml: &str) -> Result<manifest::Loaded, ManifestError> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests/quickstart");
    manifest::load_str(yaml, &dir, Path::new("p.yaml"), &LoadOptions::default())
}

/// Words the manifest knows, so generated documents reach deep into the loader.
const WORDS: &[&str] = &[
    "owner",
    "scripts",
    "domains",
    "appType",
    "file",
    "inline",
    "env",
    "tags",
    "id",
    "name",
    "defaults",
    "spaceDefaults",
    "userProfiles",
    "spaces",
    "jupyterLab",
    "kernelGateway",
    "jupyterServer",
    "codeEditor",
    "scripts",
    "default",
    "builtIn",
    "script",
    "arn",
    "create",
    "JupyterLab",
    "KernelGateway",
    "d-abc",
    "x",
    "scripts/lab-setup.sh",
    "../x",
    "true",
    "1.5",
];

/// Arbitrary YAML-ish documents built from manifest words, maps, lists and scalars.
fn yaml_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(WORDS).prop_map(str::to_owned),
        any::<i64>().prop_map(|i| i.to_string()),
        "[ -~]{0,12}".prop_map(|s| format!("{s:?}")),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((prop::sample::select(WORDS), inner), 0..6).prop_map(|v| {
                let entries: Vec<String> =
                    v.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
                format!("{{{}}}", entries.join(", "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = load(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_yaml_never_panics_and_errors_have_positions(doc in yaml_value()) {
        if let Err(ManifestError::Invalid { diagnostics }) = load(&doc) {
            prop_assert!(!diagnostics.is_empty());
            for d in diagnostics {
                prop_assert!(d.line >= 1 && d.column >= 1, "{d}");
            }
        }
    }
}

#[test]
fn an_alias_bomb_is_refused_with_a_clear_error() {
    let mut yaml = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for level in 1..12u8 {
        let (prev, this) = ((b'a' + level - 1) as char, (b'a' + level) as char);
        let refs = vec![format!("*{prev}"); 9].join(",");
        yaml.push_str(&format!("{this}: &{this} [{refs}]\n"));
    }
    let Err(ManifestError::Invalid { diagnostics }) = load(&yaml) else {
        panic!("an alias bomb must be refused");
    };
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0].message.starts_with("YAML refused: "),
        "{}",
        diagnostics[0]
    );
    assert!(
        diagnostics[0]
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("aliases")
    );
}
