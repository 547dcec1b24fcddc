//! What `openapi/` holds: the files each version's root reaches, and a
//! content hash over them, recorded in `openapi/UPSTREAM.toml`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::load::{Loader, SpecPath};
use crate::versions::ApiVersion;

/// The upstream license file kept beside the vendored specs.
pub const LICENSE_FILE: &str = "LICENSE";
/// The provenance record inside the spec directory.
pub const UPSTREAM_FILE: &str = "UPSTREAM.toml";

/// `openapi/UPSTREAM.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upstream {
    pub repository: String,
    pub commit: String,
    pub commit_date: String,
    pub versions: BTreeMap<String, VersionRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRecord {
    pub root: String,
    /// Files the root reaches through `$ref`, the root included.
    pub files: usize,
    /// SHA-256 over the reached files, see [`content_hash`].
    pub sha256: String,
}

impl Upstream {
    pub fn read(spec_dir: &Path) -> Result<Upstream, Error> {
        let path = spec_dir.join(UPSTREAM_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::Internal(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text)
            .map_err(|e| Error::Internal(format!("cannot parse {}: {e}", path.display())))
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_else(|e| format!("# cannot serialize: {e}\n"));
        format!(
            "# Provenance of the vendored specs. Written by `cargo xtask vendor`; do not edit.\n{body}"
        )
    }
}

/// The files each version reaches in a spec directory.
pub struct Reach {
    pub per_version: BTreeMap<ApiVersion, BTreeSet<SpecPath>>,
}

impl Reach {
    pub fn scan(spec_dir: &Path) -> Result<Reach, Error> {
        let loader = Loader::new(spec_dir);
        let mut per_version = BTreeMap::new();
        for version in ApiVersion::ALL {
            per_version.insert(version, loader.load_reachable(&[version.root()])?);
        }
        Ok(Reach { per_version })
    }

    /// Every file any version reaches.
    pub fn all_files(&self) -> BTreeSet<SpecPath> {
        self.per_version.values().flatten().cloned().collect()
    }

    pub fn records(&self, spec_dir: &Path) -> Result<BTreeMap<String, VersionRecord>, Error> {
        let mut out = BTreeMap::new();
        for (version, files) in &self.per_version {
            out.insert(
                version.name().to_string(),
                VersionRecord {
                    root: version.root().to_string(),
                    files: files.len(),
                    sha256: content_hash(spec_dir, files)?,
                },
            );
        }
        Ok(out)
    }
}

/// SHA-256 over each file's path, length and bytes, in path order, so that a
/// renamed file changes the hash as well as an edited one.
pub fn content_hash(spec_dir: &Path, files: &BTreeSet<SpecPath>) -> Result<String, Error> {
    let mut hasher = Sha256::new();
    for file in files {
        let bytes = std::fs::read(spec_dir.join(file.as_str())).map_err(|e| Error::Read {
            file: file.clone(),
            referrer: None,
            message: e.to_string(),
        })?;
        hasher.update(file.as_str().as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_round_trips() {
        let mut versions = BTreeMap::new();
        versions.insert(
            "v2025".to_string(),
            VersionRecord {
                root: "idn/sailpoint-api.v2025.yaml".into(),
                files: 12,
                sha256: "ab".repeat(32),
            },
        );
        let u = Upstream {
            repository: "sailpoint-oss/api-specs".into(),
            commit: "81ef79d0".into(),
            commit_date: "2026-08-22T02:27:46Z".into(),
            versions,
        };
        let parsed: Upstream = toml::from_str(&u.to_toml()).unwrap();
        assert_eq!(parsed, u);
        assert!(toml::from_str::<Upstream>("repository = \"x\"\n").is_err());
    }
}
