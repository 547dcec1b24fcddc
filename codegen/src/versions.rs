//! The API versions this workspace generates, and where their specs live.

use crate::load::SpecPath;

/// One SailPoint API version with its own spec root and generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiVersion {
    Beta,
    V2024,
    V2025,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 3] = [ApiVersion::Beta, ApiVersion::V2024, ApiVersion::V2025];

    /// The short name used on the command line and in paths (`v2025`).
    pub fn name(self) -> &'static str {
        match self {
            ApiVersion::Beta => "beta",
            ApiVersion::V2024 => "v2024",
            ApiVersion::V2025 => "v2025",
        }
    }

    /// The root spec file, relative to the spec directory.
    pub fn root(self) -> SpecPath {
        // The literal is a valid relative path, so `new` cannot fail.
        SpecPath::new(&format!("idn/sailpoint-api.{}.yaml", self.name()))
            .unwrap_or_else(|| unreachable!("root path literal is valid"))
    }

    pub fn parse(name: &str) -> Option<ApiVersion> {
        ApiVersion::ALL.into_iter().find(|v| v.name() == name)
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
