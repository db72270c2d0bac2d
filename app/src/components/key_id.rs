//! KMS key ids in tables: a UUID or an ARN is too long for a column, so tables show its end and
//! keep the whole id in a hover title (the bucket page shows it in full).

use leptos::prelude::*;

/// How many characters of a long id stay visible after the ellipsis.
const TAIL: usize = 8;
/// Ids (and aliases) up to this length are shown whole.
const SHORT_ENOUGH: usize = 20;

/// The short form of a key id: an alias or a short id as is, the key of an ARN without its prefix,
/// and anything still long as `…` and its last eight characters (enough to tell keys apart).
pub fn short_key_id(id: &str) -> String {
    // `acs:kms:REGION:UID:key/ID` or `acs:kms:REGION:UID:alias/NAME`: the part after the UID.
    let id = match id.strip_prefix("acs:kms:") {
        Some(rest) => rest.rsplit(':').next().unwrap_or(rest),
        None => id,
    };
    let id = id.strip_prefix("key/").unwrap_or(id);
    let chars = id.chars().count();
    if chars <= SHORT_ENOUGH {
        return id.to_owned();
    }
    let tail: String = id.chars().skip(chars - TAIL).collect();
    if id.starts_with("alias/") {
        let head: String = id.chars().take(SHORT_ENOUGH - 1).collect();
        format!("{head}…")
    } else {
        format!("…{tail}")
    }
}

/// A key id in a table cell: its short form, with the whole id as the abbreviation's title.
#[component]
pub fn KeyId(id: String) -> impl IntoView {
    let short = short_key_id(&id);
    if short == id {
        return view! { <span class="mono">{id}</span> }.into_any();
    }
    view! { <abbr class="mono key-id" title=id>{short}</abbr> }.into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_keep_their_last_eight_characters() {
        assert_eq!(
            short_key_id("0f2a6c1e-9b3d-4e5f-8a7b-1c2d3e4f5a6b"),
            "…3e4f5a6b"
        );
        assert_eq!(
            short_key_id(
                "acs:kms:cn-hangzhou:1234567890123456:key/0f2a6c1e-9b3d-4e5f-8a7b-1c2d3e4f5a6b"
            ),
            "…3e4f5a6b"
        );
    }

    #[test]
    fn aliases_and_short_ids_stay_whole() {
        assert_eq!(short_key_id("alias/prod"), "alias/prod");
        assert_eq!(
            short_key_id("acs:kms:cn-hangzhou:1234567890123456:alias/prod"),
            "alias/prod"
        );
        assert_eq!(short_key_id("key-abc123"), "key-abc123");
        assert_eq!(
            short_key_id("alias/a-very-long-alias-for-payments"),
            "alias/a-very-long-a…"
        );
    }
}
