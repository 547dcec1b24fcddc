//! Stage 1: load. Reads spec files from disk, parses YAML or JSON into
//! `serde_json::Value`, and resolves `$ref` strings to `(file, JSON pointer)`
//! targets. Every file is parsed once and shared.
//!
//! Paths are kept relative to the spec directory (`openapi/`) with `/`
//! separators, so they are stable across machines and usable in reports.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use serde_json::Value;

use crate::error::Error;
// Re-exported: the locations are load's vocabulary, defined with the pointer.
pub use crate::pointer::{JsonPointer, Site, SpecPath, Target};

/// Resolves the string of a `$ref` found in `from` into a target.
pub fn resolve_ref(from: &SpecPath, reference: &str) -> Option<Target> {
    let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let file = if file_part.is_empty() {
        from.clone()
    } else {
        from.join(file_part)?
    };
    Some(Target {
        file,
        pointer: JsonPointer::from_escaped(fragment),
    })
}

/// A parsed file.
type Parsed = (SpecPath, Arc<Value>);

/// Parses spec files and keeps each parsed file for the lifetime of the
/// loader, so that a file reached from many places is read once.
///
/// Shared by reference between threads (one per API version): the cache is
/// behind a lock, so every method takes `&self`. Load what the roots reach
/// first with [`Loader::load_reachable`]; bundling then only reads.
pub struct Loader {
    spec_dir: PathBuf,
    files: RwLock<HashMap<SpecPath, Arc<Value>>>,
}

impl Loader {
    pub fn new(spec_dir: impl Into<PathBuf>) -> Loader {
        Loader {
            spec_dir: spec_dir.into(),
            files: RwLock::new(HashMap::new()),
        }
    }

    pub fn spec_dir(&self) -> &Path {
        &self.spec_dir
    }

    /// Number of distinct files parsed so far.
    pub fn files_loaded(&self) -> usize {
        self.cache().len()
    }

    /// The cache for reading. A panic while holding the lock cannot leave
    /// the map half-updated (inserts are single calls), so poison is ignored.
    fn cache(&self) -> std::sync::RwLockReadGuard<'_, HashMap<SpecPath, Arc<Value>>> {
        self.files.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn cached(&self, file: &SpecPath) -> Option<Arc<Value>> {
        self.cache().get(file).cloned()
    }

    fn insert(&self, file: SpecPath, value: Arc<Value>) -> Arc<Value> {
        let mut files = self.files.write().unwrap_or_else(PoisonError::into_inner);
        // Two threads may parse the same file at once; the first one kept wins.
        files.entry(file).or_insert(value).clone()
    }

    /// Returns the parsed file, reading it on first use. `referrer` names the
    /// `$ref` that asked for it, for the error message.
    pub fn load(&self, file: &SpecPath, referrer: Option<&Site>) -> Result<Arc<Value>, Error> {
        if let Some(value) = self.cached(file) {
            return Ok(value);
        }
        let value = Arc::new(parse_file(&self.spec_dir, file, referrer)?);
        Ok(self.insert(file.clone(), value))
    }

    /// Loads a target and follows its pointer.
    pub fn get(&self, target: &Target, referrer: &Site) -> Result<(Arc<Value>, Value), Error> {
        let doc = self.load(&target.file, Some(referrer))?;
        let value = target
            .pointer
            .follow(&doc)
            .cloned()
            .ok_or_else(|| Error::MissingPointer {
                referrer: referrer.clone(),
                target: target.clone(),
            })?;
        Ok((doc, value))
    }

    /// Parses every file reachable from `roots` through `$ref`s, in parallel
    /// breadth-first waves, and keeps them cached. Returns the set of files.
    /// Every `$ref` is followed, wherever it stands: for vendoring, reaching a
    /// file too many is harmless and one too few breaks the bundle.
    pub fn load_reachable(&self, roots: &[SpecPath]) -> Result<BTreeSet<SpecPath>, Error> {
        let mut reached: BTreeSet<SpecPath> = BTreeSet::new();
        let mut wave: Vec<(SpecPath, Option<Site>)> = Vec::new();
        for root in roots {
            if reached.insert(root.clone()) {
                wave.push((root.clone(), None));
            }
        }
        while !wave.is_empty() {
            let parsed = self.parse_wave(&wave)?;
            let mut next = Vec::new();
            for (file, value) in parsed {
                let mut refs = Vec::new();
                collect_file_refs(&value, &mut JsonPointer::root(), &mut refs);
                for (pointer, reference) in refs {
                    let site = Site {
                        file: file.clone(),
                        pointer,
                    };
                    let target =
                        resolve_ref(&file, &reference).ok_or_else(|| Error::BadReference {
                            site: site.clone(),
                            reference: reference.clone(),
                        })?;
                    if reached.insert(target.file.clone()) {
                        next.push((target.file, Some(site)));
                    }
                }
                self.insert(file, value);
            }
            wave = next;
        }
        Ok(reached)
    }

    /// Parses the files of one wave that are not cached yet, split over the
    /// available cores. Results come back in input order.
    fn parse_wave(&self, wave: &[(SpecPath, Option<Site>)]) -> Result<Vec<Parsed>, Error> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = wave.len().div_ceil(threads).max(1);
        let results: Vec<Result<Vec<Parsed>, Error>> = std::thread::scope(|s| {
            let handles: Vec<_> = wave
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        part.iter()
                            .map(|(file, referrer)| {
                                if let Some(v) = self.cached(file) {
                                    return Ok((file.clone(), v));
                                }
                                let value = parse_file(&self.spec_dir, file, referrer.as_ref())?;
                                Ok((file.clone(), Arc::new(value)))
                            })
                            .collect()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(Error::Internal("parser thread panicked".into())))
                })
                .collect()
        });
        let mut out = Vec::with_capacity(wave.len());
        for r in results {
            out.extend(r?);
        }
        Ok(out)
    }
}

/// Refuses a file reached through a symbolic link at any component below
/// the spec directory: a link could make a `$ref` read (and `vendor` copy)
/// a file from outside the spec tree. The spec directory itself may be a
/// link; only what a `$ref` names is checked.
fn refuse_symlinked(
    spec_dir: &Path,
    file: &SpecPath,
    referrer: Option<&Site>,
) -> Result<(), Error> {
    let mut path = spec_dir.to_path_buf();
    let mut walked = String::new();
    for part in file.as_str().split('/') {
        path.push(part);
        if !walked.is_empty() {
            walked.push('/');
        }
        walked.push_str(part);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = std::fs::read_link(&path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "?".into());
                return Err(Error::SymbolicLink {
                    file: file.clone(),
                    referrer: referrer.cloned(),
                    link: walked,
                    to,
                });
            }
            Ok(_) => {}
            // A missing component is reported by the read that follows.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

fn parse_file(spec_dir: &Path, file: &SpecPath, referrer: Option<&Site>) -> Result<Value, Error> {
    refuse_symlinked(spec_dir, file, referrer)?;
    let path = spec_dir.join(file.as_str());
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        file: file.clone(),
        referrer: referrer.cloned(),
        message: source.to_string(),
    })?;
    // An empty file parses as `null`, which would only fail much later, far
    // from the file; say so here, where the file is known.
    if text.trim().is_empty() {
        return Err(Error::Parse {
            file: file.clone(),
            referrer: referrer.cloned(),
            message: "the file is empty".into(),
        });
    }
    let parsed = if file.as_str().ends_with(".json") {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        serde_norway::from_str::<lossless::Lossless>(&text)
            .map(|lossless| lossless.0)
            .map_err(|e| e.to_string())
    };
    match parsed {
        Ok(Value::Null) => Err(Error::Parse {
            file: file.clone(),
            referrer: referrer.cloned(),
            message: "the file holds no value (only comments, or `null`)".into(),
        }),
        Ok(value) => Ok(value),
        Err(message) => Err(Error::Parse {
            file: file.clone(),
            referrer: referrer.cloned(),
            message,
        }),
    }
}

/// Collects every `$ref` string that names another file, with its pointer.
fn collect_file_refs(
    value: &Value,
    pointer: &mut JsonPointer,
    out: &mut Vec<(JsonPointer, String)>,
) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Value::String(r) = child
                        && !r.starts_with('#')
                    {
                        out.push((pointer.child("$ref"), r.clone()));
                    }
                    continue;
                }
                pointer.push(key);
                collect_file_refs(child, pointer, out);
                pointer.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                pointer.push_index(i);
                collect_file_refs(child, pointer, out);
                pointer.pop();
            }
        }
        _ => {}
    }
}

/// YAML read into a `serde_json::Value` without losing a number: an
/// integer no `i64`/`u64` holds (`example: 12345678901234567890123456789012`
/// in upstream's v2025 from 2026-04-10 to 2026-08-11) is kept as written,
/// as a string, where `serde_json::Value` refuses it ("JSON number out of
/// range") and stops the whole load. Enabling serde_json's
/// `arbitrary_precision` instead would unify across the workspace and
/// change the SDK runtime's `Value`.
mod lossless {
    use serde::Deserialize;
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Number, Value};

    pub struct Lossless(pub Value);

    impl<'de> Deserialize<'de> for Lossless {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(LosslessVisitor).map(Lossless)
        }
    }

    struct LosslessVisitor;

    impl<'de> Visitor<'de> for LosslessVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any YAML value")
        }
        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::Number(v.into()))
        }
        fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
            Ok(match i64::try_from(v) {
                Ok(small) => Value::Number(small.into()),
                Err(_) => Value::String(v.to_string()),
            })
        }
        fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
            Ok(match u64::try_from(v) {
                Ok(small) => Value::Number(small.into()),
                Err(_) => Value::String(v.to_string()),
            })
        }
        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            // Not finite (`.nan`, `.inf`): no JSON number; as serde_json does.
            Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
        }
        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }
        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }
        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }
        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            deserializer.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(Lossless(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut object = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                let Lossless(value) = map.next_value()?;
                object.insert(key, value);
            }
            Ok(Value::Object(object))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_no_json_number_holds_are_kept_as_written() {
        let dir = tempfile::tempdir().expect("a scratch directory");
        std::fs::write(
            dir.path().join("n.yaml"),
            "example: 12345678901234567890123456789012\nsmall: 42\nnegative: -170141183460469231731687303715884105728\nfloat: 1.5\n200: ok\n",
        )
        .expect("written");
        let file = SpecPath::new("n.yaml").expect("a spec path");
        let value = parse_file(dir.path(), &file, None).expect("loads");
        assert_eq!(value["example"], "12345678901234567890123456789012");
        assert_eq!(value["small"], 42);
        assert_eq!(
            value["negative"],
            "-170141183460469231731687303715884105728"
        );
        assert_eq!(value["float"], 1.5);
        assert_eq!(value["200"], "ok");
        // What `serde_json::Value` alone does with the same text.
        assert!(
            serde_norway::from_str::<Value>("example: 12345678901234567890123456789012").is_err()
        );
    }

    #[test]
    fn refs_resolve_with_fragments() {
        let from = SpecPath::new("a/b/c.yaml").unwrap();
        let t = resolve_ref(&from, "../d.yaml#/components/schemas/X").unwrap();
        assert_eq!(t.to_string(), "a/d.yaml#/components/schemas/X");
        let t = resolve_ref(&from, "#/foo").unwrap();
        assert_eq!(t.file, from);
        assert_eq!(t.pointer.as_str(), "/foo");
    }
}
