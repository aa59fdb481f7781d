//! Colours as config.toml spells them: a profile's frame colour (a terminal colour name,
//! in any common spelling, or `#RRGGBB`) and a catalog entry's (`#RRGGBB`).

/// The 16 terminal colours under the names ratatui's `Color::from_str` reads.
pub(super) const COLOR_NAMES: &[&str] = &[
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

/// A colour name in the canonical spelling above (accepting `grey`, `bright-red`,
/// `light_blue`, `bright black`…), or `#RRGGBB` in upper case.
pub(super) fn normalize_color(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if let Some(hex) = hex_color(raw) {
        return Some(hex);
    }
    let squashed: String = raw
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .collect::<String>()
        .to_ascii_lowercase()
        .replace("grey", "gray");
    let name = match squashed.as_str() {
        "brightblack" | "darkgray" => "darkgray",
        "brightwhite" => "white",
        other => other
            .strip_prefix("bright")
            .map_or(other, |rest| match rest {
                "red" => "lightred",
                "green" => "lightgreen",
                "yellow" => "lightyellow",
                "blue" => "lightblue",
                "magenta" => "lightmagenta",
                "cyan" => "lightcyan",
                _ => other,
            }),
    };
    COLOR_NAMES.contains(&name).then(|| name.to_owned())
}

/// `#RRGGBB` in upper case, or `None`.
pub(super) fn hex_color(raw: &str) -> Option<String> {
    let digits = raw.strip_prefix('#')?;
    if digits.len() != 6 || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = String::with_capacity(7);
    out.push('#');
    out.extend(digits.chars().map(|c| c.to_ascii_uppercase()));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_in_any_common_spelling() {
        let cases = [
            ("Red", "red"),
            ("grey", "gray"),
            ("bright-red", "lightred"),
            ("light_blue", "lightblue"),
            ("bright black", "darkgray"),
            ("dark-grey", "darkgray"),
            ("#0ea5e9", "#0EA5E9"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize_color(raw).as_deref(), Some(want), "{raw}");
        }
        for bad in ["reddish", "#12345", "#GGGGGG", "", "brightgray"] {
            assert_eq!(normalize_color(bad), None, "{bad}");
        }
    }
}
