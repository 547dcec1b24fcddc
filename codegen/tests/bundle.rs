//! The bundler on small fixture specs made for these tests: naming,
//! collisions, cycles, cross-directory, path-item and fragment refs, and
//! every kind of bad input.

use sailpoint_codegen as codegen;

use std::path::{Path, PathBuf};

use codegen::bundle::{Bundle, Naming, bundle};
use codegen::load::{Loader, SpecPath};
use serde_json::{Value, json};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bundle")
}

fn bundle_fixture() -> Bundle {
    let loader = Loader::new(fixture_dir());
    bundle(&loader, &SpecPath::new("api.yaml").unwrap()).expect("fixture bundles")
}

fn schema<'a>(b: &'a Bundle, name: &str) -> &'a Value {
    b.document
        .pointer(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no component {name}; have {:?}", names(b)))
}

fn names(b: &Bundle) -> Vec<(&str, Naming, &str)> {
    b.components
        .iter()
        .map(|c| (c.name.as_str(), c.naming, c.origin.as_str()))
        .collect()
}

#[test]
fn every_schema_file_becomes_one_named_component() {
    let b = bundle_fixture();
    assert_eq!(
        names(&b),
        vec![
            (
                "Inline",
                Naming::Root,
                "api.yaml#/components/schemas/Inline"
            ),
            (
                "NestedThing",
                Naming::Qualified,
                "v1/schemas/nested/Thing.yaml"
            ),
            (
                "Part",
                Naming::Derived,
                "v1/schemas/Bundle.yaml#/components/schemas/Part"
            ),
            (
                "Piece",
                Naming::Derived,
                "v1/schemas/Bundle.yaml#/components/schemas/Piece"
            ),
            ("RenamedWidget", Naming::Root, "v1/schemas/Widget.yaml"),
            (
                "SharedThing",
                Naming::Qualified,
                "shared/schemas/Thing.yaml"
            ),
            ("Thing", Naming::Root, "v1/schemas/Thing.yaml"),
            ("ThingAgain", Naming::RootAlias, "v1/schemas/Thing.yaml"),
        ]
    );
}

#[test]
fn recursive_schemas_stay_internal_refs() {
    let b = bundle_fixture();
    let thing = schema(&b, "Thing");
    assert_eq!(
        thing["properties"]["children"]["items"],
        json!({"$ref": "#/components/schemas/Thing"})
    );
    // Thing -> Widget -> Thing: a cycle across two files, reached through two
    // spellings of Widget's path, is one component each way.
    assert_eq!(
        thing["properties"]["widget"],
        json!({"$ref": "#/components/schemas/RenamedWidget"})
    );
    assert_eq!(
        schema(&b, "RenamedWidget")["properties"]["parent"],
        json!({"$ref": "#/components/schemas/Thing"})
    );
    assert_eq!(
        schema(&b, "ThingAgain"),
        &json!({"$ref": "#/components/schemas/Thing"})
    );
    assert_eq!(
        schema(&b, "Inline")["properties"]["thing"],
        json!({"$ref": "#/components/schemas/Thing"})
    );
}

#[test]
fn fragment_refs_and_their_internal_refs_resolve_in_their_own_file() {
    let b = bundle_fixture();
    assert_eq!(
        schema(&b, "Part")["properties"]["pieces"]["items"],
        json!({"$ref": "#/components/schemas/Piece"})
    );
    assert_eq!(schema(&b, "Piece"), &json!({"type": "string"}));
}

#[test]
fn path_items_parameters_and_examples_are_inlined() {
    let b = bundle_fixture();
    let things = &b.document["paths"]["/things"];
    assert_eq!(things["get"]["operationId"], "listThings");
    assert_eq!(things["get"]["parameters"][0]["name"], "limit");
    let media = &things["get"]["responses"]["200"]["content"]["application/json"];
    assert_eq!(
        media["schema"]["items"],
        json!({"$ref": "#/components/schemas/Thing"})
    );
    assert_eq!(
        media["example"],
        json!([{"name": "first"}, {"name": "second"}])
    );
    let one_of = &b.document["paths"]["/things/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["oneOf"];
    assert_eq!(
        one_of,
        &json!([
            {"$ref": "#/components/schemas/NestedThing"},
            {"$ref": "#/components/schemas/SharedThing"},
            {"$ref": "#/components/schemas/Part"},
        ])
    );
    assert_eq!(
        b.document["components"]["parameters"]["limit"]["in"],
        "query"
    );
    let text = serde_json::to_string(&b.document).unwrap();
    assert!(!text.contains(".yaml"), "an external $ref survived: {text}");
}

#[test]
fn bundling_is_deterministic() {
    let first = serde_json::to_string(&bundle_fixture().document).unwrap();
    let second = serde_json::to_string(&bundle_fixture().document).unwrap();
    assert_eq!(first, second);
}

/// Writes a small spec tree into a temporary directory.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn bundle_error(files: &[(&str, &str)]) -> String {
    let dir = tree(files);
    let loader = Loader::new(dir.path());
    match bundle(&loader, &SpecPath::new("root.yaml").unwrap()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

const ROOT_HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn root_with_path(path_ref: &str) -> String {
    format!("{ROOT_HEAD}paths:\n  /x:\n    $ref: {path_ref}\n")
}

#[test]
fn missing_root_is_named() {
    let dir = tree(&[]);
    let loader = Loader::new(dir.path());
    let err = bundle(&loader, &SpecPath::new("root.yaml").unwrap())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("cannot read root.yaml"), "{err}");
}

#[test]
fn missing_file_names_referrer_pointer_and_target() {
    let err = bundle_error(&[("root.yaml", &root_with_path("./paths/x.yaml"))]);
    assert!(err.contains("cannot read paths/x.yaml"), "{err}");
    assert!(
        err.contains("referenced from root.yaml#/paths/~1x/$ref"),
        "{err}"
    );
}

#[test]
fn invalid_yaml_names_the_file_and_referrer() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_path("./paths/x.yaml")),
        ("paths/x.yaml", "get:\n  responses: [unclosed\n"),
    ]);
    assert!(err.contains("cannot parse paths/x.yaml"), "{err}");
    assert!(
        err.contains("referenced from root.yaml#/paths/~1x/$ref"),
        "{err}"
    );
}

#[test]
fn missing_pointer_names_referrer_and_target() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_path("./paths/x.yaml")),
        (
            "paths/x.yaml",
            "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema:\n            $ref: ../schemas/S.yaml#/components/schemas/Nope\n",
        ),
        (
            "schemas/S.yaml",
            "components:\n  schemas:\n    Yes: {type: string}\n",
        ),
    ]);
    assert!(
        err.contains("paths/x.yaml#/get/responses/200/content/application~1json/schema/$ref"),
        "{err}"
    );
    assert!(
        err.contains("schemas/S.yaml#/components/schemas/Nope does not exist"),
        "{err}"
    );
}

#[test]
fn ref_escaping_the_spec_directory_is_rejected() {
    let err = bundle_error(&[("root.yaml", &root_with_path("../../outside.yaml"))]);
    assert!(err.contains("root.yaml#/paths/~1x/$ref"), "{err}");
    assert!(err.contains("\"../../outside.yaml\""), "{err}");
}

#[test]
fn root_that_is_not_openapi_30_is_rejected() {
    let err = bundle_error(&[(
        "root.yaml",
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    )]);
    assert!(
        err.contains("root.yaml#/openapi: not an OpenAPI 3.0.x document"),
        "{err}"
    );
    assert!(err.contains("3.1.0"), "{err}");
    let err = bundle_error(&[("root.yaml", "swagger: '2.0'\npaths: {}\n")]);
    assert!(err.contains("no `openapi` field"), "{err}");
}

#[test]
fn non_schema_ref_cycle_is_an_error_not_a_stack_overflow() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_path("./a.yaml")),
        ("a.yaml", "$ref: ./b.yaml\n"),
        ("b.yaml", "$ref: ./a.yaml\n"),
    ]);
    assert!(err.contains("$ref cycle"), "{err}");
    assert!(err.contains("a.yaml -> b.yaml -> a.yaml"), "{err}");
}

/// A root whose one operation answers with `schema_ref`.
fn root_with_response(schema_ref: &str) -> String {
    format!(
        "{ROOT_HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: {schema_ref}\n"
    )
}

#[test]
fn schema_alias_cycle_names_every_file_in_order() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_response("./v1/schemas/B.yaml")),
        ("v1/schemas/A.yaml", "$ref: ./B.yaml\n"),
        ("v1/schemas/B.yaml", "$ref: ./A.yaml\n"),
    ]);
    assert!(
        err.starts_with(
            "schema alias cycle: v1/schemas/A.yaml -> v1/schemas/B.yaml -> v1/schemas/A.yaml ("
        ),
        "{err}"
    );
}

#[test]
fn schema_referring_to_itself_is_an_alias_cycle() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_response("./v1/schemas/A.yaml")),
        ("v1/schemas/A.yaml", "description: me\n$ref: ./A.yaml\n"),
    ]);
    assert!(
        err.starts_with("schema alias cycle: v1/schemas/A.yaml -> v1/schemas/A.yaml ("),
        "{err}"
    );
}

#[test]
fn all_of_chain_back_to_itself_is_an_alias_cycle() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_response("./s/C.yaml")),
        ("s/A.yaml", "allOf:\n  - $ref: ./B.yaml\n  - type: object\n"),
        (
            "s/B.yaml",
            "oneOf:\n  - type: string\n  - allOf:\n      - $ref: ./C.yaml\n",
        ),
        ("s/C.yaml", "anyOf:\n  - $ref: ./A.yaml\n"),
    ]);
    assert!(
        err.starts_with("schema alias cycle: s/A.yaml -> s/B.yaml -> s/C.yaml -> s/A.yaml ("),
        "{err}"
    );
}

#[test]
fn recursion_through_properties_items_or_additional_properties_is_not_a_cycle() {
    let dir = tree(&[
        ("root.yaml", &root_with_response("./s/Node.yaml")),
        (
            "s/Node.yaml",
            "allOf:\n  - $ref: ./Base.yaml\n  - type: object\n    properties:\n      children:\n        type: array\n        items:\n          $ref: ./Node.yaml\n      byName:\n        type: object\n        additionalProperties:\n          $ref: ./Node.yaml\n",
        ),
        (
            "s/Base.yaml",
            "type: object\nproperties:\n  parent:\n    $ref: ./Node.yaml\n",
        ),
    ]);
    let loader = Loader::new(dir.path());
    let b = bundle(&loader, &SpecPath::new("root.yaml").unwrap()).expect("recursive spec bundles");
    assert_eq!(
        schema(&b, "Base")["properties"]["parent"],
        json!({"$ref": "#/components/schemas/Node"})
    );
}

#[test]
fn empty_schema_file_is_named() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_response("./s/Empty.yaml")),
        ("s/Empty.yaml", "\n  \n"),
    ]);
    assert!(
        err.contains("cannot parse s/Empty.yaml (referenced from root.yaml#/paths/~1x/get/responses/200/content/application~1json/schema/$ref): the file is empty"),
        "{err}"
    );
}

#[test]
fn empty_path_item_file_is_named() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_path("./paths/x.yaml")),
        ("paths/x.yaml", "# nothing yet\n"),
    ]);
    assert!(
        err.contains("cannot parse paths/x.yaml (referenced from root.yaml#/paths/~1x/$ref): the file holds no value"),
        "{err}"
    );
}

#[test]
fn schema_file_that_is_not_a_mapping_is_named() {
    let err = bundle_error(&[
        ("root.yaml", &root_with_response("./s/Text.yaml")),
        ("s/Text.yaml", "just some text\n"),
    ]);
    assert!(
        err.contains("root.yaml#/paths/~1x/get/responses/200/content/application~1json/schema/$ref: $ref target s/Text.yaml is not a schema (found a string)"),
        "{err}"
    );
}
