//! `cargo xtask drift --verify`: drift's report checked against the public
//! API of the crates the generator makes of both sides ([`public_api`]).
//!
//! Every API change must be explained by a drift entry, and every breaking
//! entry must change some API item; changes to the generator's own names
//! (the shared enums named after their variants) are counted apart and
//! need no entry, since the spec names none of them.
//!
//! An entry explains an API item when they name the same thing in Rust:
//! - an operation entry, the trait method of its Rust name (for a renamed
//!   operation, the old name too) and everything of its builder
//!   (`builder::ListSources`), as well as the types typify names after the
//!   operation (inline bodies: `ListSourcesResponse`);
//! - a schema entry, the component's type and the types typify names after
//!   it (inline members: `ApprovalConfigSerialChainItem`), their fields,
//!   variants and struct builders; when the entry names a path below the
//!   component, the types named after that path.
//!
//! [`public_api`]: crate::public_api

use serde::Serialize;

use crate::drift::{Change, ChangeKind, Impact};
use crate::names::{pascal, snake};
use crate::public_api::{ApiChange, ItemKind};

/// The outcome of one version's check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Public API items added, removed or changed.
    pub api_changes: usize,
    /// Of those, explained by a drift entry.
    pub explained: usize,
    /// Of those, items of the generator's own names only.
    pub generator_names: usize,
    /// API changes no drift entry explains, one line each.
    pub unexplained: Vec<String>,
    /// Breaking drift entries that change no API item.
    pub breaking_without_api_change: Vec<String>,
    /// Set when a side could not be generated: nothing was verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_error: Option<String>,
    /// Every API change, one line each, marked with how it is accounted
    /// for (`cargo xtask drift --verify --api-changes` prints them).
    #[serde(skip)]
    pub listing: Vec<String>,
}

impl Verification {
    /// Whether drift and the generated API agree.
    pub fn agrees(&self) -> bool {
        self.generation_error.is_none()
            && self.unexplained.is_empty()
            && self.breaking_without_api_change.is_empty()
    }

    /// Nothing verified: a side could not be generated.
    pub fn not_generated(error: String) -> Verification {
        Verification {
            generation_error: Some(error),
            ..Verification::default()
        }
    }

    pub fn summary_line(&self) -> String {
        if let Some(error) = &self.generation_error {
            return format!("verify: not done, a side could not be generated: {error}");
        }
        format!(
            "verify: {} API changes, {} explained, {} generator names only, {} unexplained; {} breaking entries without an API change",
            self.api_changes,
            self.explained,
            self.generator_names,
            self.unexplained.len(),
            self.breaking_without_api_change.len()
        )
    }
}

/// Checks `changes` (drift's entries of one version) against `api` (the
/// public API changes of the same version).
pub fn verify(changes: &[Change], api: &[ApiChange]) -> Verification {
    let mut verification = Verification {
        api_changes: api.len(),
        ..Verification::default()
    };
    let mut used = vec![false; changes.len()];
    for api_change in api {
        let item = api_change.item();
        if item.generator_name {
            verification.generator_names += 1;
            verification
                .listing
                .push(format!("generator name  {}", api_change.summary()));
            continue;
        }
        let mut explained = false;
        for (index, change) in changes.iter().enumerate() {
            if explains(change, api_change) {
                used[index] = true;
                explained = true;
            }
        }
        verification.listing.push(format!(
            "{}  {}",
            if explained {
                "explained      "
            } else {
                "UNEXPLAINED    "
            },
            api_change.summary()
        ));
        if explained {
            verification.explained += 1;
        } else {
            verification.unexplained.push(api_change.summary());
        }
    }
    for (change, used) in changes.iter().zip(used) {
        if change.impact == Impact::Breaking && !used {
            verification
                .breaking_without_api_change
                .push(change.summary.clone());
        }
    }
    verification
}

/// Whether `name` is `anchor` or a type typify names after it
/// (`anchor` followed by another word).
fn named_after(name: &str, anchor: &str) -> bool {
    !anchor.is_empty()
        && name.strip_prefix(anchor).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// Whether `change` accounts for `api_change`.
pub fn explains(change: &Change, api_change: &ApiChange) -> bool {
    let item = api_change.item();
    let owner = item.owner_name();
    if let Some(operation) = &change.operation {
        let mut methods = vec![operation.rust_method.clone()];
        let mut builders = vec![pascal(&operation.id)];
        if change.kind == ChangeKind::OperationRenamed
            && let Some(before) = &change.before
        {
            methods.push(snake(before));
            builders.push(pascal(before));
        }
        // Untagged operations are inherent methods of `Client`.
        let client_method =
            item.kind == ItemKind::Method || (item.kind == ItemKind::Function && owner == "Client");
        return if client_method {
            methods.contains(&item.name)
        } else {
            builders.iter().any(|b| named_after(owner, b))
        };
    }
    let Some(schema) = &change.schema else {
        return false;
    };
    if item.kind == ItemKind::Method {
        return false;
    }
    if change.kind == ChangeKind::GeneratorNameChanged {
        // The old and the new name, and any item whose type named the old
        // one and names the new one.
        let old_name = pascal(schema);
        let new_name = change.after.as_deref().map(pascal).unwrap_or_default();
        let mentions = |side: &Option<crate::public_api::ApiItem>, name: &str| {
            side.as_ref()
                .is_some_and(|i| mentions_type(&i.signature, name))
        };
        return named_after(owner, &old_name)
            || named_after(owner, &new_name)
            || (mentions(&api_change.before, &old_name) && mentions(&api_change.after, &new_name));
    }
    let anchor = pascal(schema);
    if !named_after(owner, &anchor) {
        return false;
    }
    // A change below the component's own fields names its path; the item
    // must be on a type named after the path's first step, or the field
    // itself. A change of the component as a whole covers all its items.
    let below = change
        .path
        .strip_prefix(schema.as_str())
        .map(|rest| rest.trim_start_matches('.'))
        .unwrap_or_default();
    match first_step(below) {
        None => true,
        Some(step) => {
            (owner == anchor && item.name == snake(step))
                || named_after(owner, &format!("{anchor}{}", pascal(step)))
        }
    }
}

/// Whether the type tokens `signature` name the type `name`.
fn mentions_type(signature: &str, name: &str) -> bool {
    signature
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == name)
}

/// `serialChain` of `serialChain[].identityType`.
fn first_step(path: &str) -> Option<&str> {
    let end = path.find(['.', '[', '{']).unwrap_or(path.len());
    Some(&path[..end]).filter(|s| !s.is_empty())
}
