//! Stage 5: render. Turns the generated syntax tree of one version into the
//! files of its crate: the code split under `src/generated/` (the client,
//! one file per tag behind its feature), formatted with prettyplease and
//! marked as generated; the crate manifest with spec and generator
//! provenance; the crate root `src/lib.rs` that includes the code; and the
//! normalization report.
//!
//! The types (by initial) go to a crate of their own in `types/` beside
//! (`sailpoint-v2025-types`), which the client crate depends on and
//! re-exports as `types`, with the same features: rustc's memory follows
//! the amount of code in one crate, and one crate of both took 4.9 GB.
//!
//! Render knows nothing of SailPoint's versions: it takes the facts it needs
//! in a [`CrateTarget`], so a crate for a test spec renders the same way.

use std::collections::BTreeMap;

use syn::{Item, ItemMod};

use crate::error::Error;
use crate::generate::features::{FULL, Features, TagFeature};
use crate::generate::references::{Place, key_of_item};
use crate::versions::CrateTarget;

pub mod mock;

/// Package name of the types crate of the client crate `crate_name`
/// (`sailpoint-v2025-types`).
pub fn types_crate_name(crate_name: &str) -> String {
    format!("{crate_name}-types")
}

impl CrateTarget {
    /// Package name of the types crate (`sailpoint-v2025-types`).
    pub fn types_crate_name(&self) -> String {
        types_crate_name(&self.crate_name)
    }

    /// Name of the types crate in Rust paths (`sailpoint_v2025_types`).
    pub fn types_crate_ident(&self) -> String {
        self.types_crate_name().replace('-', "_")
    }
}

/// progenitor version this generator drives; checked against Cargo.lock by
/// a test, and recorded in each crate's metadata.
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// Where a crate's code and spec came from, for its manifest.
pub struct Provenance {
    pub upstream_repository: String,
    pub upstream_commit: String,
    /// The upstream commit's date, as `openapi/UPSTREAM.toml` records it
    /// (`2026-08-22T02:27:46Z`).
    pub upstream_commit_date: String,
    pub spec_sha256: String,
    pub operations: usize,
    pub schemas: usize,
}

/// The files of a generated crate, by path relative to the crate directory.
pub type CrateFiles = BTreeMap<String, String>;

/// Everything generated from the spec is under this directory of `src/`
/// (besides `src/lib.rs`); regen deletes what it no longer writes there.
pub const GENERATED_DIR: &str = "src/generated";
/// The types crate, a directory of the client crate's (cargo leaves a
/// directory with a manifest of its own out of the client's package).
pub const TYPES_CRATE_DIR: &str = "types";
/// The types: `mod.rs` with what every type needs, and one file per
/// initial letter (`a.rs`...; struct builders in `builder/a.rs`...),
/// included into it so that the paths stay `types::X` and
/// `types::builder::X`.
pub const TYPES_DIR: &str = "types/src/generated/types";
pub const TYPES_FILE: &str = "types/src/generated/types/mod.rs";
pub const TYPES_LIB_FILE: &str = "types/src/lib.rs";
pub const TYPES_MANIFEST_FILE: &str = "types/Cargo.toml";
/// Operation builders shared by several tags or by none, and the
/// re-exports of every tag's builders: `builder::X` for each.
pub const BUILDER_FILE: &str = "src/generated/builder.rs";
/// The client and everything not per tag: hooks, operation table, prelude.
pub const CLIENT_FILE: &str = "src/generated/client.rs";
/// One file per tag: its trait, the trait's impl, its builders.
pub const TAGS_DIR: &str = "src/generated/tags";
/// No generated file may be larger (bytes), to stay reviewable.
pub const MAX_FILE_BYTES: usize = 5_000_000;

/// Whether a crate-relative path is one render owns: a file of
/// [`GENERATED_DIR`] (of the client or of the types crate), or of the
/// layout before it (`src/generated_*.rs`).
pub fn is_generated_code(relative: &str) -> bool {
    let relative = [TYPES_CRATE_DIR, mock::MOCK_CRATE_DIR]
        .iter()
        .find_map(|dir| relative.strip_prefix(dir).and_then(|r| r.strip_prefix('/')))
        .unwrap_or(relative);
    relative.starts_with("src/generated/") || relative.starts_with("src/generated_")
}

/// The directories under a crate's directory holding code render owns.
pub const SOURCE_DIRS: [&str; 3] = ["src", "types/src", "mock/src"];

pub const LIB_FILE: &str = "src/lib.rs";
pub const MANIFEST_FILE: &str = "Cargo.toml";
pub const REPORT_FILE: &str = "NORMALIZATION.md";

/// Whether render may write this crate-relative path: generated code
/// ([`is_generated_code`]) or one of the fixed files beside it (manifests,
/// `lib.rs`, the normalization report, the licence texts). Regen replaces
/// nothing else.
pub fn is_rendered_file(relative: &str) -> bool {
    is_generated_code(relative)
        || [
            LIB_FILE,
            MANIFEST_FILE,
            REPORT_FILE,
            TYPES_LIB_FILE,
            TYPES_MANIFEST_FILE,
            mock::MOCK_LIB_FILE,
            mock::MOCK_MANIFEST_FILE,
        ]
        .contains(&relative)
        || LICENCE_FILES.iter().any(|(name, _)| {
            relative == *name
                || relative == format!("{TYPES_CRATE_DIR}/{name}")
                || relative == format!("{}/{name}", mock::MOCK_CRATE_DIR)
        })
}

/// The licence texts of the repository root, copied into each published
/// crate (client and types) so that its `.crate` carries them: cargo
/// packages only files under the crate's directory, and a copy survives
/// `cargo package` on every platform where a symlink might not.
pub const LICENCE_FILES: [(&str, &str); 2] = [
    ("LICENSE-MIT", include_str!("../../LICENSE-MIT")),
    ("LICENSE-APACHE", include_str!("../../LICENSE-APACHE")),
];

/// The licence files of a crate and of its types crate, by crate-relative
/// path; none for a crate that is not published (the test fixture).
fn licence_files(target: &CrateTarget) -> Vec<(String, &'static str)> {
    if !target.publish {
        return Vec::new();
    }
    let mut files = Vec::new();
    for (name, text) in LICENCE_FILES {
        files.push((name.to_string(), text));
        files.push((format!("{TYPES_CRATE_DIR}/{name}"), text));
    }
    files
}

fn header(target: &CrateTarget, provenance: &Provenance) -> String {
    format!(
        "// @generated by `cargo xtask regen` from openapi/{} ({} at {}).\n\
         // Do not edit: change the generator in codegen/ and regenerate.\n\n",
        target.root,
        provenance.upstream_repository,
        short(&provenance.upstream_commit),
    )
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// The day of a commit date (`2026-08-22` of `2026-08-22T02:27:46Z`), if it
/// has the shape of one; it becomes the crate version's build metadata.
fn spec_date(commit_date: &str) -> Option<&str> {
    let day = commit_date.get(..10)?;
    let shaped = day.char_indices().all(|(i, c)| {
        if i == 4 || i == 7 {
            c == '-'
        } else {
            c.is_ascii_digit()
        }
    });
    shaped.then_some(day)
}

/// The crate version: `0.1.0`, with the spec's date as build metadata.
fn crate_version(p: &Provenance) -> String {
    match spec_date(&p.upstream_commit_date) {
        Some(day) => format!("{}+spec.{day}", env!("CARGO_PKG_VERSION")),
        None => env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// A web address for the upstream repository (`owner/name` is GitHub's).
fn repository_url(repository: &str) -> String {
    if repository.contains("://") {
        repository.trim_end_matches('/').to_string()
    } else {
        format!("https://github.com/{repository}")
    }
}

/// Takes the module `name` out of `items`, returning its contents.
fn take_module(items: &mut Vec<Item>, name: &str) -> Result<ItemMod, Error> {
    let index = items
        .iter()
        .position(|item| matches!(item, Item::Mod(m) if m.ident == name))
        .ok_or_else(|| Error::Internal(format!("generated code has no `mod {name}`")))?;
    match items.remove(index) {
        Item::Mod(m) => Ok(m),
        _ => Err(Error::Internal(format!("`{name}` is not a module"))),
    }
}

/// A module's items as a file of their own, its outer attributes and docs
/// becoming inner ones.
fn module_file(module: ItemMod) -> syn::File {
    let mut attrs = module.attrs;
    for attr in &mut attrs {
        attr.style = syn::AttrStyle::Inner(Default::default());
    }
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs,
        items: module.content.map(|(_, items)| items).unwrap_or_default(),
    }
}

pub fn render(
    target: &CrateTarget,
    mut file: syn::File,
    features: &Features,
    report_markdown: String,
    provenance: &Provenance,
) -> Result<CrateFiles, Error> {
    let types = take_module(&mut file.items, "types")?;
    let mut builder = take_module(&mut file.items, "builder")?;
    let head = header(target, provenance);
    let unparse = |items: Vec<Item>| {
        prettyplease::unparse(&syn::File {
            shebang: None,
            frontmatter: None,
            attrs: vec![],
            items,
        })
    };
    let mut files = CrateFiles::new();

    // One file per tag: the trait and its impl from the crate root, the
    // builders only it uses from `builder`.
    let builder_items = builder
        .content
        .as_mut()
        .map(|(_, items)| std::mem::take(items))
        .unwrap_or_default();
    let imports: Vec<Item> = builder_items
        .iter()
        .filter(|item| matches!(item, Item::Use(_)))
        .cloned()
        .map(|mut item| {
            if let Item::Use(u) = &mut item
                && !u.attrs.iter().any(|a| a.path().is_ident("allow"))
            {
                u.attrs.push(syn::parse_quote!(#[allow(unused_imports)]));
            }
            item
        })
        .collect();
    let mut shared_builders = Vec::new();
    let mut tag_items: BTreeMap<&str, Vec<Item>> = BTreeMap::new();
    let builder_tag: BTreeMap<&str, &TagFeature> = features
        .tags
        .iter()
        .flat_map(|t| t.builders.iter().map(move |b| (b.as_str(), t)))
        .collect();
    for item in builder_items {
        let tag = crate::generate::references::operation_builder_key(&item)
            .and_then(|key| builder_tag.get(key.as_str()).copied());
        match tag {
            Some(tag) => tag_items.entry(&tag.feature).or_default().push(item),
            None => shared_builders.push(item),
        }
    }
    let trait_tag: BTreeMap<&str, &TagFeature> = features
        .tags
        .iter()
        .map(|t| (t.trait_ident.as_str(), t))
        .collect();
    let mut client_items = Vec::new();
    for item in std::mem::take(&mut file.items) {
        let name = match &item {
            Item::Trait(t) => Some(t.ident.to_string()),
            Item::Impl(i) => i
                .trait_
                .as_ref()
                .and_then(|t| t.0.get_ident())
                .map(ToString::to_string),
            _ => None,
        };
        match name.as_deref().and_then(|n| trait_tag.get(n)) {
            Some(tag) => {
                let items = tag_items.entry(&tag.feature).or_default();
                // The trait and impl before the builders.
                let at = items
                    .iter()
                    .position(|i| {
                        !matches!(
                            i,
                            Item::Trait(_)
                                | Item::Impl(syn::ItemImpl {
                                    trait_: Some(_),
                                    ..
                                })
                        )
                    })
                    .unwrap_or(items.len());
                items.insert(at, item);
            }
            None => client_items.push(item),
        }
    }
    let mut reexports = Vec::new();
    for tag in &features.tags {
        let Some(items) = tag_items.remove(tag.feature.as_str()) else {
            return Err(Error::Internal(format!(
                "tag `{}` has no trait in the generated code",
                tag.tag
            )));
        };
        let module = syn::Ident::new(&tag_module(tag), proc_macro2::Span::call_site());
        let feature = &tag.feature;
        if !tag.builders.is_empty() {
            let names = tag
                .builders
                .iter()
                .map(|b| syn::Ident::new(b, proc_macro2::Span::call_site()));
            reexports.push(syn::parse_quote! {
                #[cfg(feature = #feature)]
                pub use super::#module::{#(#names),*};
            });
        }
        let mut body: Vec<Item> = vec![syn::parse_quote! {
            #[allow(unused_imports)]
            use super::{builder, Client};
        }];
        body.extend(imports.iter().cloned());
        body.extend(items);
        files.insert(
            format!("{TAGS_DIR}/{}.rs", tag.feature),
            format!(
                "{head}//! The `{feature}` feature: operations of the tag `{}`.\n\n{}",
                tag.tag,
                unparse(body)
            ),
        );
    }
    if let Some((_, content)) = builder.content.as_mut() {
        // The imports stay, unused when every builder lives in a tag file.
        *content = imports;
        content.extend(
            shared_builders
                .into_iter()
                .filter(|i| !matches!(i, Item::Use(_))),
        );
        content.extend(reexports);
    }
    files.insert(
        BUILDER_FILE.into(),
        format!("{head}{}", prettyplease::unparse(&module_file(builder))),
    );
    files.insert(
        CLIENT_FILE.into(),
        format!("{head}{}", unparse(client_items)),
    );
    render_types(&mut files, types, &head)?;
    files.insert(LIB_FILE.into(), lib(target, features, provenance));
    files.insert(MANIFEST_FILE.into(), manifest(target, features, provenance));
    files.insert(TYPES_LIB_FILE.into(), types_lib(target));
    files.insert(
        TYPES_MANIFEST_FILE.into(),
        types_manifest(target, features, provenance),
    );
    files.insert(REPORT_FILE.into(), report_markdown);
    for (path, text) in licence_files(target) {
        files.insert(path, text.to_string());
    }
    for (path, text) in &files {
        if path.ends_with(".rs") && text.len() > MAX_FILE_BYTES {
            return Err(Error::Internal(format!(
                "{path} would be {} bytes, over {MAX_FILE_BYTES}: split it (codegen/src/render.rs)",
                text.len()
            )));
        }
    }
    Ok(files)
}

/// The private module of a tag's file (`tag_sp_config`).
fn tag_module(tag: &TagFeature) -> String {
    format!("tag_{}", tag.feature.replace('-', "_"))
}

/// The chunk file an item of `types` (or of `types::builder`) goes to: the
/// initial of its type, or `None` for what stays in `mod.rs` (imports,
/// the `error` and `defaults` modules, helper functions).
fn type_chunk(item: &Item, place: Place) -> Option<char> {
    let key = key_of_item(item, place)?;
    let initial = key.chars().next()?;
    initial
        .is_ascii_uppercase()
        .then(|| initial.to_ascii_lowercase())
}

fn render_types(files: &mut CrateFiles, types: ItemMod, head: &str) -> Result<(), Error> {
    let mut module = types;
    let items = module
        .content
        .as_mut()
        .map(|(_, items)| std::mem::take(items))
        .unwrap_or_default();
    let mut kept = Vec::new();
    let mut chunks: BTreeMap<char, Vec<Item>> = BTreeMap::new();
    let mut builder_chunks: BTreeMap<char, Vec<Item>> = BTreeMap::new();
    let mut builder_module = None;
    for item in items {
        match item {
            Item::Mod(mut m) if m.ident == "builder" => {
                let inner = m
                    .content
                    .as_mut()
                    .map(|(_, items)| std::mem::take(items))
                    .unwrap_or_default();
                let mut stay = Vec::new();
                for item in inner {
                    match type_chunk(&item, Place::StructBuilder) {
                        Some(c) => builder_chunks.entry(c).or_default().push(item),
                        None => stay.push(item),
                    }
                }
                for c in builder_chunks.keys() {
                    let path = format!("builder/{c}.rs");
                    stay.push(syn::parse_quote!(include!(#path);));
                }
                if let Some((_, content)) = m.content.as_mut() {
                    *content = stay;
                }
                builder_module = Some(Item::Mod(m));
            }
            item => match type_chunk(&item, Place::Types) {
                Some(c) => chunks.entry(c).or_default().push(item),
                None => kept.push(item),
            },
        }
    }
    for c in chunks.keys() {
        let path = format!("{c}.rs");
        kept.push(syn::parse_quote!(include!(#path);));
    }
    kept.extend(builder_module);
    if let Some((_, content)) = module.content.as_mut() {
        *content = kept;
    }
    files.insert(
        TYPES_FILE.into(),
        format!("{head}{}", prettyplease::unparse(&module_file(module))),
    );
    let included = "// Included into `mod.rs` beside it (`include!`), so the paths stay\n// `types::X`; items carry their own `#[cfg]`.\n\n";
    for (dir, chunks) in [("", chunks), ("builder/", builder_chunks)] {
        for (c, items) in chunks {
            let text = prettyplease::unparse(&syn::File {
                shebang: None,
                frontmatter: None,
                attrs: vec![],
                items,
            });
            files.insert(
                format!("{TYPES_DIR}/{dir}{c}.rs"),
                format!("{head}{included}{text}"),
            );
        }
    }
    Ok(())
}

/// The crate root: docs, and the generated files as modules.
fn lib(target: &CrateTarget, features: &Features, provenance: &Provenance) -> String {
    let mut table = String::new();
    let mut modules = String::new();
    for tag in &features.tags {
        table.push_str(&format!(
            "//! | `{}` | {} | {} | {} |\n",
            tag.feature,
            tag.tag.replace('|', "\\|"),
            tag.operations,
            tag.types
        ));
        modules.push_str(&format!(
            "#[cfg(feature = \"{feature}\")]\n#[rustfmt::skip]\n#[path = \"generated/tags/{feature}.rs\"]\nmod {module};\n#[cfg(feature = \"{feature}\")]\npub use {module}::{trait_ident};\n\n",
            feature = tag.feature,
            module = tag_module(tag),
            trait_ident = tag.trait_ident,
        ));
    }
    format!(
        r#"// @generated by `cargo xtask regen` (codegen/src/render.rs). Do not edit.

//! Client for SailPoint Identity Security Cloud's **{title}** API (`{base_path}`).
//!
//! Every operation of the spec is a method on [`Client`], grouped in one
//! extension trait per API tag (bring them into scope with
//! `use {crate_ident}::prelude::*;`). Each method returns a builder: set
//! its parameters, then `.send().await`.
//!
//! The code is generated by `cargo xtask regen` from the vendored spec;
//! `NORMALIZATION.md` beside this crate lists every repair made to the
//! spec first. Requests go through [`sailpoint_runtime::Runtime`], which
//! adds authentication and the headers an operation needs; every error
//! response decodes into [`ApiError`].
//!
//! Models follow the data tenants send: the fields of schemas only
//! responses use are `Option`s, `None` when absent or `null`; an optional
//! field the spec gives a default is an `Option` too, `None` leaving the
//! value to the server (its docs say which); string enums
//! keep a value the spec does not list in their `Unknown` variant;
//! date-times without an offset are taken as UTC, and an optional one sent
//! as `""` is `None`; a `oneOf` decodes as the variant its discriminator
//! names, else the one declaring the most of the fields present.
//!
//! Nothing a tenant sends is lost: every object model has a field
//! `extra` (a `serde_json::Map`) that keeps the members its typed fields
//! do not hold (members the spec does not declare, `null`s, `""` and
//! non-RFC 3339 date-time texts), and writes them back after the typed
//! fields, so decoding then encoding gives back the JSON received. A set
//! typed field wins over an entry of the same name in `extra`; put a
//! member in `extra` to send one the spec lacks, or an explicit `null`.
//! A response body that contradicts its schema (a string where the spec
//! says list) is decoded again leniently: each value that does not fit its
//! field stays in its object's `extra`, and the rest decodes as usual. It
//! still fails, with the path of the value, when the value is the body's
//! own (a list where the spec says object).
//! Required fields of schemas that requests use are plain values, so that
//! callers build valid requests. When a response leaves one out or sends
//! `null`, it reads as its type's default (`""`, `0`, `false`, an empty
//! list or map, an object of optional fields), and a `null` is written
//! back. A required date-time, enum or object with required fields has no
//! default to stand in: its object then does not decode, and is kept
//! whole in the `extra` of the object around it, if any.
//!
//! # Quickstart
//!
//! ```no_run
//! use {crate_ident}::prelude::*; // the operations: one trait per API tag
//! use {crate_ident}::{{Client, ErrorExt}};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {{
//! // SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET, or ./config.json,
//! // or ~/.sailpoint/config.yaml (see `sailpoint_runtime::Config`).
//! let client = Client::from_env()?;
//! match client.list_sources().limit(10).send().await {{
//!     Ok(sources) => println!("{{}} sources", sources.into_inner().len()),
//!     Err(e) => eprintln!("HTTP {{:?}}: {{:?}}", e.status(), e.api_error()),
//! }}
//! # Ok(()) }}
//! ```
//!
//! The repository's `sdk/v2025/examples/` hold complete programs (SP-Config
//! export and import, Configuration Hub, connector files).
//!
//! # Provenance
//!
//! Spec: `{root}` of [`{repository}`]({repository_url}) at commit
//! [`{short_commit}`]({repository_url}/commit/{commit}), dated {date}.
//! The crate version's build metadata (`+spec.<date>`) carries the same
//! date; `[package.metadata.sailpoint]` in `Cargo.toml` has the details.
//!
//! # Features
//!
//! One cargo feature per API tag enables that tag's trait, its operation
//! builders and the types they reach; `{full}` (the default) enables them
//! all. To compile only what you call:
//! `{crate_name} = {{ version = "...", default-features = false, features = ["{example}"] }}`.
//! A type used by several tags compiles when any of them is on; types no
//! operation uses come with `{full}` only.
//!
//! | feature | tag | operations | types reached |
//! |---|---|---:|---:|
{table}
// Lints are for the generator's own code; the generated code follows
// progenitor's and typify's style.
#![allow(clippy::all)]

/// The types of every operation, from the `{types_crate_name}` crate.
pub use {types_crate_ident}::types;

// Generated files are formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "generated/builder.rs"]
pub mod builder;

include!("generated/client.rs");

// One module per tag, behind its feature: the tag's trait, re-exported
// here, and the builders only its operations use (re-exported by
// `builder`).
{modules}
pub use sailpoint_runtime::{{ApiError, Config, ErrorExt, Runtime}};

impl Client {{
    /// A client for the `{base_path}` API of the tenant `config` names,
    /// sharing its HTTP client, retry policy and OAuth token with every
    /// other client built from the same configuration.
    pub fn from_config(config: &Config) -> Self {{
        Self::new_with_client(
            &config.base_url_for("{base_path}"),
            config.http_client(),
            config.runtime(),
        )
    }}

    /// A client configured from the environment and SailPoint's config
    /// files, as [`Config::load`] reads them.
    pub fn from_env() -> Result<Self, sailpoint_runtime::ConfigError> {{
        Ok(Self::from_config(&Config::load()?))
    }}
}}
"#,
        title = target.title,
        base_path = target.base_path,
        crate_ident = target.crate_ident,
        crate_name = target.crate_name,
        types_crate_name = target.types_crate_name(),
        types_crate_ident = target.types_crate_ident(),
        full = FULL,
        example = features.tags.first().map_or("...", |t| t.feature.as_str()),
        root = target.root,
        repository = provenance.upstream_repository,
        repository_url = repository_url(&provenance.upstream_repository),
        short_commit = short(&provenance.upstream_commit),
        commit = provenance.upstream_commit,
        date =
            spec_date(&provenance.upstream_commit_date).unwrap_or(&provenance.upstream_commit_date),
    )
}

/// The items of a manifest's `full` feature (one line each, after
/// `first`), and one line per tag feature, enabling what `enables` says.
fn feature_lines(
    features: &Features,
    first: Option<String>,
    enables: impl Fn(&str) -> String,
) -> (String, String) {
    let mut list: String = first.map(|f| format!("    \"{f}\",\n")).unwrap_or_default();
    let mut each = String::new();
    for tag in &features.tags {
        list.push_str(&format!("    \"{}\",\n", tag.feature));
        each.push_str(&format!("{} = [{}]\n", tag.feature, enables(&tag.feature)));
    }
    (list, each)
}

fn manifest(target: &CrateTarget, features: &Features, p: &Provenance) -> String {
    let types = target.types_crate_name();
    let (list, each) = feature_lines(features, Some(format!("{types}/{FULL}")), |feature| {
        format!("\"{types}/{feature}\"")
    });
    format!(
        r#"# @generated by `cargo xtask regen`. Do not edit.
[package]
name = "{crate_name}"
version = "{version}"{publish}
description = "SailPoint Identity Security Cloud {title} API client, generated from SailPoint's OpenAPI spec."
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[lib]
# Generated code: no unit tests or doctests to run, so no test harness to
# build. The crate is exercised by the workspace's tests/.
test = false
doctest = false

[features]
# One feature per API tag (see the crate docs); `{full}` enables them all.
# Each enables the same feature of the types crate.
default = ["{full}"]
{full} = [
{list}]
{each}
[dependencies]
{types} = {{ path = "{types_dir}", version = "={types_version}", default-features = false }}
bytes.workspace = true
chrono.workspace = true
futures.workspace = true
progenitor-client.workspace = true
regress.workspace = true
reqwest.workspace = true
sailpoint-runtime.workspace = true
serde.workspace = true
serde_json.workspace = true
uuid.workspace = true

[dev-dependencies]
# For the hand-written examples/ beside the generated code.
futures.workspace = true
tokio.workspace = true

[package.metadata.sailpoint]
spec = "openapi/{root}"
upstream-repository = "{repo}"
upstream-commit = "{commit}"
upstream-commit-date = "{commit_date}"
spec-sha256 = "{hash}"
generator = "sailpoint-codegen {codegen}"
progenitor = "{progenitor}"
operations = {operations}
schemas = {schemas}
"#,
        crate_name = target.crate_name,
        version = crate_version(p),
        title = target.title,
        root = target.root,
        commit_date = p.upstream_commit_date,
        publish = if target.publish {
            ""
        } else {
            "\npublish = false"
        },
        repo = p.upstream_repository,
        commit = p.upstream_commit,
        hash = p.spec_sha256,
        codegen = env!("CARGO_PKG_VERSION"),
        progenitor = PROGENITOR_VERSION,
        operations = p.operations,
        schemas = p.schemas,
        full = FULL,
        types = target.types_crate_name(),
        types_dir = TYPES_CRATE_DIR,
        types_version = env!("CARGO_PKG_VERSION"),
    )
}

/// The root of the types crate.
fn types_lib(target: &CrateTarget) -> String {
    format!(
        r#"// @generated by `cargo xtask regen` (codegen/src/render.rs). Do not edit.

//! The types of [`{crate_name}`](https://docs.rs/{crate_name}): every
//! schema of the {title} API its operations send or receive. Use them as
//! `{crate_ident}::types`, which re-exports this crate's `types` with the
//! same cargo features (one per API tag; `{full}` enables every type).
//!
//! They live in a crate of their own so that rustc compiles them apart
//! from the operations, each in under 3 GB of memory.

#![allow(clippy::all)]

// Generated files are formatted by prettyplease, not rustfmt.
#[rustfmt::skip]
#[path = "generated/types/mod.rs"]
pub mod types;
"#,
        crate_name = target.crate_name,
        crate_ident = target.crate_ident,
        title = target.title,
        full = FULL,
    )
}

/// The manifest of the types crate: the client crate's features, each
/// enabling the types its tag reaches.
fn types_manifest(target: &CrateTarget, features: &Features, p: &Provenance) -> String {
    let (list, each) = feature_lines(features, None, |_| String::new());
    let crate_name = &target.crate_name;
    format!(
        r#"{package}
[features]
# The features of {crate_name}, which enables the same ones here.
default = ["{full}"]
{full} = [
{list}]
{each}
[dependencies]
chrono.workspace = true
regress.workspace = true
sailpoint-runtime.workspace = true
serde.workspace = true
serde_json.workspace = true

{metadata}"#,
        package = generated_package(
            &target.types_crate_name(),
            target,
            p,
            &format!(
                "Types of the SailPoint Identity Security Cloud {} API client ({crate_name}), generated from SailPoint's OpenAPI spec.",
                target.title
            ),
        ),
        metadata = generated_metadata(target, p),
        full = FULL,
    )
}

/// `[package]` and `[lib]` of a generated crate beside the client (types,
/// mocks): no tests of its own.
fn generated_package(
    name: &str,
    target: &CrateTarget,
    p: &Provenance,
    description: &str,
) -> String {
    format!(
        r#"# @generated by `cargo xtask regen`. Do not edit.
[package]
name = "{name}"
version = "{version}"{publish}
description = "{description}"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[lib]
# Generated code, exercised by the workspace's tests/.
test = false
doctest = false
"#,
        version = crate_version(p),
        publish = if target.publish {
            ""
        } else {
            "\npublish = false"
        },
    )
}

/// `[package.metadata.sailpoint]` of a crate beside the client: the spec
/// it was generated from.
fn generated_metadata(target: &CrateTarget, p: &Provenance) -> String {
    format!(
        r#"[package.metadata.sailpoint]
spec = "openapi/{root}"
upstream-commit = "{commit}"
spec-sha256 = "{hash}"
generator = "sailpoint-codegen {codegen}"
"#,
        root = target.root,
        commit = p.upstream_commit,
        hash = p.spec_sha256,
        codegen = env!("CARGO_PKG_VERSION"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::SpecPath;

    fn fixture() -> CrateTarget {
        CrateTarget {
            name: "fixture".into(),
            title: "Fixture".into(),
            crate_name: "sailpoint-fixture".into(),
            crate_ident: "sailpoint_fixture".into(),
            root: SpecPath::new("fixtures/fixture.yaml").unwrap_or_else(|| unreachable!()),
            base_path: "/fixture".into(),
            publish: false,
        }
    }

    fn provenance() -> Provenance {
        Provenance {
            upstream_repository: "sailpoint-oss/api-specs".into(),
            upstream_commit: "0123456789abcdef0123".into(),
            upstream_commit_date: "2026-08-22T02:27:46Z".into(),
            spec_sha256: "feed".into(),
            operations: 3,
            schemas: 2,
        }
    }

    #[test]
    fn crate_root_is_generated_from_the_target_and_states_the_spec_commit() {
        let lib = lib(&fixture(), &Features::default(), &provenance());
        assert!(lib.starts_with("// @generated"), "{lib}");
        assert!(
            lib.contains(
                "//! Client for SailPoint Identity Security Cloud's **Fixture** API (`/fixture`)."
            ),
            "{lib}"
        );
        assert!(
            lib.contains("`use sailpoint_fixture::prelude::*;`"),
            "{lib}"
        );
        assert!(lib.contains("pub use sailpoint_runtime::{ApiError, Config, ErrorExt, Runtime};"));
        assert!(lib.contains("config.base_url_for(\"/fixture\")"), "{lib}");
        assert!(
            lib.contains("//! Spec: `fixtures/fixture.yaml` of [`sailpoint-oss/api-specs`](https://github.com/sailpoint-oss/api-specs) at commit\n//! [`0123456789ab`](https://github.com/sailpoint-oss/api-specs/commit/0123456789abcdef0123), dated 2026-08-22."),
            "{lib}"
        );
    }

    #[test]
    fn manifest_names_the_target_crate_and_its_spec() {
        let manifest = manifest(&fixture(), &Features::default(), &provenance());
        assert!(
            manifest.contains("name = \"sailpoint-fixture\""),
            "{manifest}"
        );
        assert!(manifest.contains("Cloud Fixture API client"), "{manifest}");
        assert!(
            manifest.contains("spec = \"openapi/fixtures/fixture.yaml\""),
            "{manifest}"
        );
        assert!(manifest.contains("operations = 3"), "{manifest}");
        assert!(
            manifest.contains("\nversion = \"0.1.0+spec.2026-08-22\"\n"),
            "{manifest}"
        );
        assert!(
            manifest.contains("upstream-commit-date = \"2026-08-22T02:27:46Z\""),
            "{manifest}"
        );
    }

    #[test]
    fn published_crates_carry_both_licence_texts_and_the_fixture_none() {
        assert!(licence_files(&fixture()).is_empty());
        let published = CrateTarget {
            publish: true,
            ..fixture()
        };
        let files: BTreeMap<String, &str> = licence_files(&published).into_iter().collect();
        let paths: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "LICENSE-APACHE",
                "LICENSE-MIT",
                "types/LICENSE-APACHE",
                "types/LICENSE-MIT"
            ]
        );
        assert!(
            files["LICENSE-MIT"]
                .starts_with("MIT License\n\nCopyright (c) The sailpoint-rs contributors")
        );
        assert!(files["types/LICENSE-APACHE"].contains("Version 2.0, January 2004"));
    }

    #[test]
    fn spec_dates_are_days_or_nothing() {
        assert_eq!(spec_date("2026-08-22T02:27:46Z"), Some("2026-08-22"));
        assert_eq!(spec_date("2026-08-22"), Some("2026-08-22"));
        assert_eq!(spec_date("yesterday!"), None);
        assert_eq!(spec_date("2026/08/22"), None);
        assert_eq!(spec_date(""), None);
        let mut p = provenance();
        p.upstream_commit_date = "unknown".into();
        assert_eq!(crate_version(&p), "0.1.0");
        assert_eq!(
            repository_url("https://example.com/specs/"),
            "https://example.com/specs"
        );
    }
}
