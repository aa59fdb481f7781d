//! Wipsy catalog entries for test configs, shared by the TUI and PTY tests.
#![allow(dead_code, clippy::format_push_string)]

use rolo::sandbox::Seed;

/// What the Wipsy API cannot list, declared in profile `profile` as a user would, from
/// the seed's tenant `tenant`.
pub fn wipsy_entries(seed: &Seed, tenant: &str, profile: &str) -> String {
    let t = seed.wipsy.iter().find(|t| t.name == tenant).unwrap();
    let mut out = String::new();
    for s in &t.stages {
        out += &format!(
            "[[profiles.{profile}.stages]]\nid = \"{}\"\nname = \"{}\"\ncolor = \"{}\"\norder = {}\nsystem = {}\n\n",
            s.id, s.name, s.color, s.stage_order, s.is_system
        );
    }
    for g in &t.tags {
        out += &format!(
            "[[profiles.{profile}.tags]]\nid = \"{}\"\nname = \"{}\"\ncolor = \"{}\"\n\n",
            g.id, g.name, g.color
        );
    }
    for f in &t.custom_fields {
        let options = f
            .field_options
            .as_ref()
            .map(|o| format!("options = {o:?}\n"))
            .unwrap_or_default();
        out += &format!(
            "[[profiles.{profile}.custom_fields]]\nid = \"{}\"\nname = \"{}\"\ntype = \"{}\"\n{options}required = {}\norder = {}\n\n",
            f.id, f.field_name, f.field_type, f.is_required, f.field_order
        );
    }
    out
}
