//! Locations in the specs: a [`JsonPointer`] (RFC 6901) inside a document,
//! a [`SpecPath`] naming a file of the spec directory, and the two together
//! as a `$ref` [`Target`] or the [`Site`] something was found at.
//!
//! Every stage names places with these types, so escaping (`~0`, `~1`) is
//! written once, here.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde_json::Value;

/// A JSON pointer (RFC 6901), kept in its escaped text form: `""` is the
/// whole document, `/paths/~1things~1{id}/get` an operation.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// The pointer to the whole document (`""`).
    pub fn root() -> JsonPointer {
        JsonPointer(String::new())
    }

    /// A pointer as written, already escaped: a `$ref` fragment, or a
    /// literal such as `/components/schemas`. Not validated, because a
    /// `$ref` is upstream's text: a malformed pointer follows to nothing and
    /// the caller reports it with the place that wrote it.
    pub fn from_escaped(text: impl Into<String>) -> JsonPointer {
        JsonPointer(text.into())
    }

    /// The pointer to `segments` in order, each escaped.
    pub fn from_segments<'s>(segments: impl IntoIterator<Item = &'s str>) -> JsonPointer {
        let mut pointer = JsonPointer::root();
        for segment in segments {
            pointer.push(segment);
        }
        pointer
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends one segment (an object key or an array index), escaping it.
    pub fn push(&mut self, segment: &str) {
        self.0.push('/');
        self.0.push_str(&escape_segment(segment));
    }

    /// Appends an array index.
    pub fn push_index(&mut self, index: usize) {
        self.0.push('/');
        self.0.push_str(&index.to_string());
    }

    /// Removes the last segment; `false` at the root. Escaped segments hold
    /// no `/`, so the last `/` starts the last segment.
    pub fn pop(&mut self) -> bool {
        match self.0.rfind('/') {
            Some(start) => {
                self.0.truncate(start);
                true
            }
            None => false,
        }
    }

    /// This pointer with `segment` appended.
    pub fn child(&self, segment: &str) -> JsonPointer {
        let mut child = self.clone();
        child.push(segment);
        child
    }

    /// This pointer with an array index appended.
    pub fn index(&self, index: usize) -> JsonPointer {
        let mut child = self.clone();
        child.push_index(index);
        child
    }

    /// The pointer one segment up; `None` for the root.
    pub fn parent(&self) -> Option<JsonPointer> {
        let mut parent = self.clone();
        parent.pop().then_some(parent)
    }

    /// The segments, unescaped; none for the root.
    pub fn segments(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.0.split('/').skip(1).map(unescape_segment)
    }

    /// The last segment, unescaped; `None` for the root.
    pub fn last_segment(&self) -> Option<Cow<'_, str>> {
        self.0
            .rfind('/')
            .map(|start| unescape_segment(&self.0[start + 1..]))
    }

    /// The value this pointer names inside `value`, if there is one.
    /// Segments are not percent-decoded: upstream's fragments have none.
    pub fn follow<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        value.pointer(&self.0)
    }

    pub fn follow_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        value.pointer_mut(&self.0)
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<JsonPointer> for String {
    fn from(pointer: JsonPointer) -> String {
        pointer.0
    }
}

impl From<&JsonPointer> for String {
    fn from(pointer: &JsonPointer) -> String {
        pointer.0.clone()
    }
}

/// Escapes one segment: `~` as `~0`, then `/` as `~1` (RFC 6901 §3).
pub fn escape_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        Cow::Owned(segment.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// Undoes [`escape_segment`]: `~1` first, then `~0` (RFC 6901 §4), so
/// `~01` is `~1` and not `/`.
pub fn unescape_segment(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        Cow::Owned(segment.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(segment)
    }
}

/// A spec file, named by its path relative to the spec directory, e.g.
/// `idn/v2025/schemas/Account.yaml`. Always normalized: no `.` or `..`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct SpecPath(Arc<str>);

impl SpecPath {
    /// Normalizes a `/`-separated relative path lexically. Fails if it climbs
    /// above the spec directory.
    pub fn new(path: &str) -> Option<SpecPath> {
        let mut parts: Vec<&str> = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(SpecPath(parts.join("/").into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The directory holding this file, as a path prefix (`idn/v2025/schemas`).
    pub fn dir(&self) -> &str {
        self.0.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    /// The file name without its extension (`Account` for `.../Account.yaml`).
    pub fn stem(&self) -> &str {
        let name = self.0.rsplit_once('/').map_or(&*self.0, |(_, n)| n);
        name.rsplit_once('.').map_or(name, |(stem, _)| stem)
    }

    /// Resolves a relative file reference (the part of a `$ref` before `#`)
    /// against this file's directory.
    pub fn join(&self, relative: &str) -> Option<SpecPath> {
        if relative.starts_with('/') || relative.contains("://") {
            return None;
        }
        SpecPath::new(&format!("{}/{}", self.dir(), relative))
    }
}

impl fmt::Display for SpecPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a `$ref` points: a file and a JSON pointer inside it (the root
/// pointer for the whole file).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Target {
    pub file: SpecPath,
    pub pointer: JsonPointer,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_root() {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}#{}", self.file, self.pointer)
        }
    }
}

/// Where something was found: a file and a JSON pointer inside it. Used to
/// name the referencing site in errors and reports.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Site {
    pub file: SpecPath,
    pub pointer: JsonPointer,
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.file, self.pointer)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn segments_are_escaped_on_push_and_unescaped_on_read() {
        let mut pointer = JsonPointer::root();
        pointer.push("paths");
        pointer.push("/things/{id}");
        pointer.push("a~b");
        pointer.push_index(3);
        assert_eq!(pointer.as_str(), "/paths/~1things~1{id}/a~0b/3");
        assert_eq!(pointer.to_string(), pointer.as_str());
        let segments: Vec<_> = pointer.segments().collect();
        assert_eq!(segments, ["paths", "/things/{id}", "a~b", "3"]);
        assert_eq!(pointer.last_segment().as_deref(), Some("3"));
        assert_eq!(
            JsonPointer::from_segments(["paths", "/things/{id}", "a~b"]).child("3"),
            pointer
        );
    }

    #[test]
    fn unescaping_replaces_tilde_one_before_tilde_zero() {
        assert_eq!(unescape_segment("~01"), "~1");
        assert_eq!(unescape_segment("~10"), "/0");
        assert_eq!(escape_segment("~1"), "~01");
        assert!(matches!(escape_segment("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn pop_and_parent_remove_one_escaped_segment() {
        let mut pointer = JsonPointer::from_segments(["paths", "/a/b"]);
        assert_eq!(pointer.parent(), Some(JsonPointer::from_escaped("/paths")));
        assert!(pointer.pop());
        assert_eq!(pointer.as_str(), "/paths");
        assert!(pointer.pop());
        assert!(pointer.is_root());
        assert!(!pointer.pop());
        assert_eq!(pointer.parent(), None);
        assert_eq!(pointer.last_segment(), None);
        assert_eq!(pointer.segments().count(), 0);
    }

    #[test]
    fn follow_finds_values_by_unescaped_keys() {
        let mut doc = json!({"paths": {"/a/b": {"get": [10, {"x~y": true}]}}});
        let pointer = JsonPointer::from_segments(["paths", "/a/b", "get"]);
        assert_eq!(pointer.index(0).follow(&doc), Some(&json!(10)));
        assert_eq!(
            pointer.index(1).child("x~y").follow(&doc),
            Some(&json!(true))
        );
        assert_eq!(JsonPointer::root().follow(&doc), Some(&doc.clone()));
        assert_eq!(pointer.child("missing").follow(&doc), None);
        assert_eq!(JsonPointer::from_escaped("no-slash").follow(&doc), None);
        if let Some(value) = pointer.index(0).follow_mut(&mut doc) {
            *value = json!(11);
        }
        assert_eq!(doc["paths"]["/a/b"]["get"][0], 11);
    }

    #[test]
    fn spec_paths_normalize_and_join() {
        let p = SpecPath::new("idn/v2025/paths/../schemas/./Account.yaml").unwrap();
        assert_eq!(p.as_str(), "idn/v2025/schemas/Account.yaml");
        assert_eq!(p.stem(), "Account");
        assert_eq!(p.dir(), "idn/v2025/schemas");
        let q = p.join("../../v2024/schemas/X.yaml").unwrap();
        assert_eq!(q.as_str(), "idn/v2024/schemas/X.yaml");
        assert!(p.join("../../../../../etc/passwd").is_none());
        assert!(p.join("https://example.com/x.yaml").is_none());
    }

    #[test]
    fn targets_name_the_whole_file_without_a_fragment() {
        let file = SpecPath::new("a/b.yaml").unwrap();
        let whole = Target {
            file: file.clone(),
            pointer: JsonPointer::root(),
        };
        assert_eq!(whole.to_string(), "a/b.yaml");
        let part = Target {
            file,
            pointer: JsonPointer::from_segments(["components", "schemas", "X"]),
        };
        assert_eq!(part.to_string(), "a/b.yaml#/components/schemas/X");
    }
}
