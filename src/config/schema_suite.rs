//! The JSON Schema of config.toml (`rolo config schema`): it is a valid draft-07 schema,
//! the shipped example validates against it, it names exactly the keys the reader knows
//! (both ways, table by table, and per flavour), and the files the reader refuses fail
//! it too.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::collections::BTreeSet;
use std::path::Path;

use crate::config::types::{CustomFieldToml, File, NumberedToml, ProfileToml, StageToml, TagToml};
use crate::config::val::fields;
use crate::config::{Config, default_keys, schema};
use crate::contact::fields::Flavour;
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&schema()).unwrap()
}

/// A TOML text as the JSON an editor checks against the schema.
fn json_of(text: &str) -> Value {
    let table: toml::Table = toml::from_str(text).unwrap();
    serde_json::to_value(table).unwrap()
}

/// What the schema says is wrong with `text`, one line each (empty when nothing).
fn schema_errors(text: &str) -> Vec<String> {
    let instance = json_of(text);
    validator()
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

fn example() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"))
        .unwrap()
}

fn set<S: AsRef<str>>(keys: &[S]) -> BTreeSet<String> {
    keys.iter().map(|k| k.as_ref().to_owned()).collect()
}

fn names(schema: &Value) -> BTreeSet<String> {
    schema["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("no properties in {schema}"))
        .keys()
        .cloned()
        .collect()
}

/// The keys a schema's `properties` refuses (`false`) and the keys it allows.
fn split(schema: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let props = schema["properties"].as_object().unwrap();
    let refused = props.iter().filter(|(_, v)| **v == Value::Bool(false));
    let allowed = props.iter().filter(|(_, v)| **v != Value::Bool(false));
    (
        refused.map(|(k, _)| k.clone()).collect(),
        allowed.map(|(k, _)| k.clone()).collect(),
    )
}

fn profile_schema() -> Value {
    schema()["properties"]["profiles"]["additionalProperties"].clone()
}

/// What a profile of `api` must and must not have (the `then` of its rule).
fn flavour_rule(api: Flavour) -> Value {
    let profile = profile_schema();
    let rule = profile["allOf"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["if"]["properties"]["api"]["const"] == api.as_str())
        .unwrap_or_else(|| panic!("no rule for {api}"));
    rule["then"].clone()
}

#[test]
fn the_schema_is_a_valid_draft_07_schema() {
    let schema = schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::meta::validate(&schema).unwrap();
}

#[test]
fn the_example_config_validates_against_the_schema() {
    let errors = schema_errors(&example());
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_schema_names_exactly_the_keys_the_reader_knows() {
    let schema = schema();
    assert_eq!(names(&schema), set(fields::<File>()));
    let profile = profile_schema();
    assert_eq!(names(&profile), set(fields::<ProfileToml>()));
    // Every key a flavour declares as its own is one the reader knows.
    for api in Flavour::ALL {
        let own = set(api.spec().profile_keys);
        assert!(own.is_subset(&names(&profile)), "{api}: {own:?}");
    }
    let lists = [
        ("tags", fields::<TagToml>()),
        ("stages", fields::<StageToml>()),
        ("custom_fields", fields::<CustomFieldToml>()),
        ("assignees", fields::<NumberedToml>()),
        ("countries", fields::<NumberedToml>()),
    ];
    for (list, keys) in lists {
        assert_eq!(
            names(&profile["properties"][list]["items"]),
            set(keys),
            "{list}"
        );
    }
    // Defaults: every flavour's fields at once, plus `custom` for custom-field defaults.
    let mut all: BTreeSet<String> = Flavour::ALL
        .into_iter()
        .flat_map(|f| set(&default_keys(f)))
        .collect();
    all.insert("custom".to_owned());
    assert_eq!(names(&profile["properties"]["defaults"]), all);
}

#[test]
fn each_flavour_is_held_to_its_own_keys_and_defaults() {
    let all_defaults: BTreeSet<String> = Flavour::ALL
        .into_iter()
        .flat_map(|f| set(&default_keys(f)))
        .collect();
    for api in Flavour::ALL {
        let then = flavour_rule(api);
        let own = api.spec().profile_keys;
        let foreign: BTreeSet<String> = Flavour::ALL
            .into_iter()
            .flat_map(|f| f.spec().profile_keys)
            .filter(|k| !own.contains(k))
            .map(|k| (*k).to_owned())
            .collect();
        let (refused, _) = split(&then);
        assert_eq!(refused, foreign, "{api}: profile keys");
        let (refused, allowed) = split(&then["properties"]["defaults"]);
        let own_defaults = set(&default_keys(api));
        let mut other: BTreeSet<String> = all_defaults.difference(&own_defaults).cloned().collect();
        if !api.has_custom_fields() {
            other.insert("custom".to_owned());
        }
        assert_eq!(refused, other, "{api}: defaults refused");
        assert_eq!(allowed, own_defaults, "{api}: defaults allowed");
        let needs_url = api.spec().default_base_url.is_none();
        assert_eq!(
            then["required"] == serde_json::json!(["base_url"]),
            needs_url
        );
    }
}

#[test]
fn every_key_has_a_description_and_a_type() {
    fn walk(schema: &Value, at: &str) {
        let Some(props) = schema["properties"].as_object() else {
            return;
        };
        for (key, s) in props {
            let here = format!("{at}.{key}");
            let description = s["description"].as_str().unwrap_or("");
            assert!(!description.trim().is_empty(), "{here} has no description");
            assert!(
                s.get("type").is_some() || s.get("anyOf").is_some(),
                "{here} has no type"
            );
            walk(s, &here);
            walk(&s["items"], &here);
            walk(&s["additionalProperties"], &here);
        }
    }
    walk(&schema(), "");
}

const W: &str = "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n";
const M: &str = "[profiles.m]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\n\
                 api_key_env = \"M\"\n";

/// Whether the reader refuses `text` for an unknown key.
fn reader_calls_unknown(text: &str) -> bool {
    let err = Config::parse(text, Path::new("c.toml")).expect_err(text);
    err.message.starts_with("unknown key")
}

/// The reader itself, not only its lists, knows each key the schema names: a key of the
/// schema with a wrong value is refused for its value, and a made-up key as unknown.
#[test]
fn the_reader_knows_each_key_the_schema_names() {
    let profile = profile_schema();
    for key in names(&profile) {
        if ["api", "api_key_env"].contains(&key.as_str()) {
            continue;
        }
        let text = format!("{W}{key} = {{ zz = 1 }}\n");
        assert!(!reader_calls_unknown(&text), "{key}");
    }
    assert!(reader_calls_unknown(&format!("{W}zz = 1\n")));
    for (list, head, name) in [
        ("tags", W, "w"),
        ("stages", W, "w"),
        ("custom_fields", W, "w"),
        ("assignees", M, "m"),
        ("countries", M, "m"),
    ] {
        let entry = format!("{head}[[profiles.{name}.{list}]]\nid = 1\nname = \"x\"\n");
        for key in names(&profile["properties"][list]["items"]) {
            if ["id", "name"].contains(&key.as_str()) {
                continue;
            }
            let text = format!("{entry}{key} = {{ zz = 1 }}\n");
            assert!(!reader_calls_unknown(&text), "{list}.{key}");
        }
        assert!(reader_calls_unknown(&format!("{entry}zz = 1\n")), "{list}");
    }
}

/// Files the reader refuses, each for one reason the schema can also see.
const BROKEN: &[&str] = &[
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\nbase_urll = \"https://x.example\"\n",
    "[profiles.w]\napi = \"whatsapp\"\napi_key_env = \"W\"\n",
    "[profiles.m]\napi = \"whatsmark\"\napi_key_env = \"M\"\n",
    "[profiles.w]\napi = \"wipsy\"\nkeyring = false\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"1W\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\nbase_url = \"http://10.0.0.5/w\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\ncolor = \"reddish\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\ndefault_region = \"IND\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\ntimeout_secs = 0\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\nconfirm_submit = \"yes\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\nassignees = []\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[[profiles.w.tags]]\nid = \"t\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[[profiles.w.stages]]\nid = \"s\"\n\
     name = \"S\"\ncolor = \"blue\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[[profiles.w.custom_fields]]\n\
     id = \"c\"\nname = \"C\"\ntype = \"select\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[[profiles.w.custom_fields]]\n\
     id = \"c\"\nname = \"C\"\noptions = [\"a\"]\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[profiles.w.defaults]\ntype = \"lead\"\n",
    "[profiles.m]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\n\
     api_key_env = \"M\"\n[profiles.m.defaults]\ntype = \"prospect\"\n",
    "[profiles.m]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\n\
     api_key_env = \"M\"\n[profiles.m.defaults]\n\"custom.Talla\" = \"M\"\n",
    "[profiles.m]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\n\
     api_key_env = \"M\"\n[[profiles.m.countries]]\nid = \"101\"\nname = \"India\"\n",
    "[profiles.\"../w\"]\napi = \"wipsy\"\napi_key_env = \"W\"\n",
    "default_profle = \"w\"\n[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n",
    "[profiles]\n",
];

#[test]
fn an_invalid_config_fails_the_schema_as_it_fails_the_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    for text in BROKEN {
        let first = Config::parse(text, &path).expect_err(text);
        assert!(!schema_errors(text).is_empty(), "the schema took:\n{text}");
        // `rolo config check` reports this one first, whatever else it finds.
        std::fs::write(&path, text).unwrap();
        assert_eq!(Config::check(&path).errors.first(), Some(&first), "{text}");
    }
}

/// Files the reader takes in the less usual spellings, which the schema must take too.
const GOOD: &[&str] = &[
    "[profiles.w]\napi = \"wipsy\"\napi_key_cmd = \"pass w\"\ncolor = \"Bright-Red\"\n\
     default_region = \"co\"\n",
    "[profiles.w]\napi = \"wipsy\"\nkeyring = true\nbase_url = \"http://[::1]:7878/wipsy/\"\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\nbase_url = \"http://crm.lan/w\"\n\
     allow_insecure_http = true\n",
    "profiles.w = { api = \"wipsy\", api_key = \"k\", tags = [{ id = 7, name = \"Siete\" }] }\n",
    "[profiles.w]\napi = \"wipsy\"\napi_key_env = \"W\"\n[profiles.w.defaults]\n\
     custom.Industria = \"Retail\"\n\"custom.Talla\" = [\"M\", \"L\"]\ntags = \"a,b\"\n",
    "[profiles.m]\napi = \"whatsmark\"\nbase_url = \"https://x.example/api/v2\"\n\
     api_key_env = \"M\"\n[profiles.m.defaults]\ntype = [\"lead\"]\ngroups = [11, 19]\n",
];

#[test]
fn the_schema_takes_what_the_reader_takes() {
    for text in GOOD {
        Config::parse(text, Path::new("c.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let errors = schema_errors(text);
        assert!(errors.is_empty(), "{errors:#?}\n{text}");
    }
}

/// Issue 28: the schema editors use is committed (`docs/config.schema.json`) and is
/// exactly what the types generate, so a key added to a type without a new schema fails
/// CI, and the file in the repository is never stale.
#[test]
fn the_committed_schema_is_what_the_types_generate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/config.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = format!("{}\n", serde_json::to_string_pretty(&schema()).unwrap());
    assert!(
        committed == generated,
        "{} differs from what the config types generate; run\n  \
         cargo run -- config schema > docs/config.schema.json\nand commit it",
        path.display()
    );
}
