//! Names in the spec that become Rust names or cargo features, checked on
//! the source files before generation, so that a bad one is an error naming
//! the file and JSON pointer where a maintainer can fix it, not a panic or
//! an error about the bundled document:
//! - every tag of an operation must give a cargo feature and a module name
//!   ([`tag_feature`]), and two tags must not give the same feature;
//! - an `operationId` names a method and a builder, so it must be unique.
//!
//! Bundling inlines the path files, so the bundled document no longer says
//! where an operation came from; [`operation_sites`] follows the root's
//! `paths` `$ref`s again (every file is cached by then) to find out.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::Error;
use crate::generate::features::tag_feature;
use crate::load::{Loader, resolve_ref};
use crate::openapi::is_http_method;
use crate::pointer::{JsonPointer, Site, SpecPath, Target};

/// How many `$ref`s in a row a path item may go through before it is
/// taken for a cycle.
const MAX_REF_HOPS: usize = 32;

/// One operation of the root: its path and method, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationSite {
    pub path: String,
    pub method: String,
    /// The operation object in its source file.
    pub site: Site,
    pub operation: Value,
}

/// Follows `$ref`s from `site` (holding `value`) to the object they end at.
fn follow_refs(loader: &Loader, mut site: Site, mut value: Value) -> Result<(Site, Value), Error> {
    let start = site.clone();
    let mut chain = Vec::new();
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return Ok((site, value));
        };
        let ref_site = Site {
            file: site.file.clone(),
            pointer: site.pointer.child("$ref"),
        };
        let target: Target =
            resolve_ref(&site.file, reference).ok_or_else(|| Error::BadReference {
                site: ref_site.clone(),
                reference: reference.to_string(),
            })?;
        let (_, next) = loader.get(&target, &ref_site)?;
        chain.push(target.clone());
        site = Site {
            file: target.file,
            pointer: target.pointer,
        };
        value = next;
    }
    Err(Error::RefCycle {
        site: start,
        cycle: chain,
    })
}

/// Every operation `root` reaches, in the root's path order, with the file
/// and pointer it is written at.
pub fn operation_sites(loader: &Loader, root: &SpecPath) -> Result<Vec<OperationSite>, Error> {
    let doc = loader.load(root, None)?;
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return Ok(out);
    };
    for (path, item) in paths {
        let site = Site {
            file: root.clone(),
            pointer: JsonPointer::from_segments(["paths", path]),
        };
        let (site, item) = follow_refs(loader, site, item.clone())?;
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item.iter().filter(|(key, _)| is_http_method(key)) {
            let at = Site {
                file: site.file.clone(),
                pointer: site.pointer.child(method),
            };
            let (at, operation) = follow_refs(loader, at, operation.clone())?;
            out.push(OperationSite {
                path: path.clone(),
                method: method.clone(),
                site: at,
                operation,
            });
        }
    }
    Ok(out)
}

fn child(site: &Site, segment: &str) -> Site {
    Site {
        file: site.file.clone(),
        pointer: site.pointer.child(segment),
    }
}

/// Checks the tags and operation ids of what `root` reaches; see the module
/// documentation.
pub fn check(loader: &Loader, root: &SpecPath) -> Result<(), Error> {
    let mut ids: BTreeMap<String, Site> = BTreeMap::new();
    let mut features: BTreeMap<String, (String, Site)> = BTreeMap::new();
    for op in operation_sites(loader, root)? {
        if let Some(id) = op.operation.get("operationId").and_then(Value::as_str) {
            let site = child(&op.site, "operationId");
            if let Some(first) = ids.get(id) {
                return Err(Error::DuplicateOperationId {
                    id: id.to_string(),
                    first: first.clone(),
                    second: site,
                });
            }
            ids.insert(id.to_string(), site);
        }
        let tags = op.operation.get("tags").and_then(Value::as_array);
        for (index, tag) in tags.into_iter().flatten().enumerate() {
            let site = Site {
                file: op.site.file.clone(),
                pointer: op.site.pointer.child("tags").index(index),
            };
            let Some(tag) = tag.as_str() else {
                return Err(Error::BadTag {
                    site,
                    tag: tag.to_string(),
                    reason: "a tag must be a string".into(),
                });
            };
            let feature = tag_feature(tag).map_err(|reason| Error::BadTag {
                site: site.clone(),
                tag: tag.to_string(),
                reason,
            })?;
            match features.get(&feature) {
                Some((other, other_site)) if other != tag => {
                    return Err(Error::BadTag {
                        site,
                        tag: tag.to_string(),
                        reason: format!(
                            "it and the tag {other:?} at {other_site} would both be the cargo feature `{feature}`"
                        ),
                    });
                }
                Some(_) => {}
                None => {
                    features.insert(feature, (tag.to_string(), site));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec directory with a root whose `/things` path lives in its own
    /// file, as upstream's do.
    fn spec(things: &str, others: &str) -> (tempfile::TempDir, Loader, SpecPath) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /things:\n    $ref: ./paths/things.yaml\n  /others:\n    $ref: ./paths/others.yaml#/item\n";
        std::fs::create_dir_all(dir.path().join("paths")).expect("mkdir");
        std::fs::write(dir.path().join("root.yaml"), root).expect("write");
        std::fs::write(dir.path().join("paths/things.yaml"), things).expect("write");
        std::fs::write(dir.path().join("paths/others.yaml"), others).expect("write");
        let loader = Loader::new(dir.path());
        let root = SpecPath::new("root.yaml").expect("path");
        loader
            .load_reachable(std::slice::from_ref(&root))
            .expect("loads");
        (dir, loader, root)
    }

    const OK: &str = "      responses: {'200': {description: ok}}\n";

    #[test]
    fn a_tag_that_cannot_be_a_feature_is_an_error_naming_file_and_pointer() {
        let things = format!(
            "get:\n      operationId: listThings\n      tags: [Things, 'Level² Accounts']\n{OK}"
        );
        let (_dir, loader, root) = spec(&things, "item: {}\n");
        let err = check(&loader, &root).expect_err("a tag with `²`");
        assert!(matches!(err, Error::BadTag { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.starts_with("paths/things.yaml#/get/tags/1: tag \"Level² Accounts\" cannot become a cargo feature: its feature name `level²-accounts` has '²'"),
            "{text}"
        );

        for (tag, why) in [("!!!", "no letter or digit"), ("Full", "the crate's own")] {
            let things =
                format!("get:\n      operationId: listThings\n      tags: ['{tag}']\n{OK}");
            let (_dir, loader, root) = spec(&things, "item: {}\n");
            let text = check(&loader, &root).expect_err(tag).to_string();
            assert!(
                text.starts_with("paths/things.yaml#/get/tags/0: "),
                "{text}"
            );
            assert!(text.contains(why), "{text}");
        }
    }

    /// Through the whole pipeline, where render used to panic on the
    /// module name `tag_level²_accounts`.
    #[test]
    fn the_pipeline_refuses_the_tag_before_generating() {
        let things =
            format!("get:\n      operationId: listThings\n      tags: ['Level² Accounts']\n{OK}");
        let (dir, _loader, root) = spec(&things, "item: {}\n");
        let target = crate::versions::CrateTarget {
            name: "t".into(),
            title: "T".into(),
            crate_name: "sailpoint-t".into(),
            crate_ident: "sailpoint_t".into(),
            root,
            base_path: "/t".into(),
            publish: false,
        };
        let result = std::panic::catch_unwind(|| {
            crate::pipeline::generate_fixture(dir.path(), &target).map(|_| ())
        });
        let Ok(Err(error)) = result else {
            panic!("no error, or a panic: {result:?}");
        };
        assert!(
            error
                .to_string()
                .starts_with("paths/things.yaml#/get/tags/0: tag \"Level² Accounts\""),
            "{error}"
        );
    }

    #[test]
    fn two_tags_with_one_feature_name_both_sites() {
        let things = format!("get:\n      operationId: listThings\n      tags: [SP-Config]\n{OK}");
        let others =
            format!("item:\n  get:\n      operationId: listOthers\n      tags: [SP Config]\n{OK}");
        let (_dir, loader, root) = spec(&things, &others);
        let text = check(&loader, &root).expect_err("one feature").to_string();
        assert_eq!(
            text,
            "paths/others.yaml#/item/get/tags/0: tag \"SP Config\" cannot become a cargo feature: it and the tag \"SP-Config\" at paths/things.yaml#/get/tags/0 would both be the cargo feature `sp-config`"
        );
    }

    #[test]
    fn a_duplicate_operation_id_names_both_pointers() {
        let things = format!(
            "get:\n      operationId: listThings\n{OK}post:\n      operationId: makeThing\n{OK}"
        );
        let others = format!("item:\n  get:\n      operationId: makeThing\n{OK}");
        let (_dir, loader, root) = spec(&things, &others);
        let err = check(&loader, &root).expect_err("duplicate id");
        assert_eq!(
            err.to_string(),
            "operationId `makeThing` is used twice, at paths/things.yaml#/post/operationId and at paths/others.yaml#/item/get/operationId: each names a method, so ids must be unique"
        );
    }

    #[test]
    fn good_names_pass_and_operations_are_found_through_refs() {
        let things = format!(
            "get:\n      operationId: listThings\n      tags: [Configuration Hub, SP-Config]\n{OK}"
        );
        let others =
            format!("item:\n  get:\n      operationId: listOthers\n      tags: [SP-Config]\n{OK}");
        let (_dir, loader, root) = spec(&things, &others);
        check(&loader, &root).expect("valid names");
        let sites: Vec<String> = operation_sites(&loader, &root)
            .expect("sites")
            .iter()
            .map(|op| format!("{} {} {}", op.method, op.path, op.site))
            .collect();
        assert_eq!(
            sites,
            [
                "get /things paths/things.yaml#/get",
                "get /others paths/others.yaml#/item/get",
            ]
        );
    }
}
