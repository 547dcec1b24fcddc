//! The API versions this workspace generates, and every fact about each that
//! another stage needs: its names, its spec root, its crate.

use crate::pointer::SpecPath;

/// One SailPoint API version with its own spec root and generated crate.
/// Parsed from the command line by its [`name`](ApiVersion::name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum ApiVersion {
    #[value(name = "beta")]
    Beta,
    #[value(name = "v2024")]
    V2024,
    #[value(name = "v2025")]
    V2025,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 3] = [ApiVersion::Beta, ApiVersion::V2024, ApiVersion::V2025];

    /// The short name used on the command line, in paths and in the API's
    /// base path (`v2025`).
    pub fn name(self) -> &'static str {
        match self {
            ApiVersion::Beta => "beta",
            ApiVersion::V2024 => "v2024",
            ApiVersion::V2025 => "v2025",
        }
    }

    /// The name in prose and crate descriptions (`V2025`, `Beta`).
    pub fn title(self) -> &'static str {
        match self {
            ApiVersion::Beta => "Beta",
            ApiVersion::V2024 => "V2024",
            ApiVersion::V2025 => "V2025",
        }
    }

    /// The generated crate's package name (`sailpoint-v2025`).
    pub fn crate_name(self) -> String {
        format!("sailpoint-{}", self.name())
    }

    /// The generated crate's name in Rust paths (`sailpoint_v2025`).
    pub fn crate_ident(self) -> String {
        self.crate_name().replace('-', "_")
    }

    /// The path every operation of this version is under (`/v2025`).
    pub fn base_path(self) -> String {
        format!("/{}", self.name())
    }

    /// The root spec file, relative to the spec directory.
    pub fn root(self) -> SpecPath {
        // The literal is a valid relative path, so `new` cannot fail.
        SpecPath::new(&format!("idn/sailpoint-api.{}.yaml", self.name()))
            .unwrap_or_else(|| unreachable!("root path literal is valid"))
    }

    /// What rendering needs to know about this version's crate.
    pub fn target(self) -> CrateTarget {
        CrateTarget {
            name: self.name().to_string(),
            title: self.title().to_string(),
            crate_name: self.crate_name(),
            crate_ident: self.crate_ident(),
            root: self.root(),
            base_path: self.base_path(),
            publish: true,
        }
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn every_name_of_a_version_derives_from_one() {
        let target = ApiVersion::V2025.target();
        assert_eq!(target.name, "v2025");
        assert_eq!(target.title, "V2025");
        assert_eq!(target.crate_name, "sailpoint-v2025");
        assert_eq!(target.crate_ident, "sailpoint_v2025");
        assert_eq!(target.base_path, "/v2025");
        assert_eq!(target.root.as_str(), "idn/sailpoint-api.v2025.yaml");
        assert_eq!(ApiVersion::Beta.title(), "Beta");
        assert_eq!(ApiVersion::Beta.crate_ident(), "sailpoint_beta");
    }

    #[test]
    fn command_line_names_are_the_short_names() {
        for version in ApiVersion::ALL {
            assert_eq!(ApiVersion::from_str(version.name(), false), Ok(version));
        }
        assert_eq!(ApiVersion::value_variants(), ApiVersion::ALL);
        assert!(ApiVersion::from_str("V2025", false).is_err());
        assert!(ApiVersion::from_str("all", false).is_err());
    }
}

/// What render needs to know about the crate it writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateTarget {
    /// Short name, as on the command line and in `sdk/` (`v2025`).
    pub name: String,
    /// Name in prose (`V2025`).
    pub title: String,
    /// Package name (`sailpoint-v2025`).
    pub crate_name: String,
    /// Name in Rust paths (`sailpoint_v2025`).
    pub crate_ident: String,
    /// Root spec file, relative to the spec directory.
    pub root: SpecPath,
    /// Path every operation is under (`/v2025`).
    pub base_path: String,
    /// Whether the crate is released to crates.io (a test fixture is not).
    pub publish: bool,
}
