//! Configuration delivery as a downstream crate writes it: SP-Config
//! export and import, Configuration Hub uploads and deploys. The code is
//! the v2025 examples' flows (`sdk/v2025/examples/flows/`), compiled here
//! against `sailpoint-v2025` with only the `configuration-hub` and
//! `sp-config` features, as a user's crate would; `tests/` tests it only
//! through `sailpoint-v2025-mock`.

#![allow(clippy::result_large_err)]

pub use sailpoint_v2025 as sdk;

include!("../../../sdk/v2025/examples/flows/common.rs");

/// SP-Config export and import.
pub mod sp_config {
    use super::*;
    include!("../../../sdk/v2025/examples/flows/sp_config.rs");
}

/// Configuration Hub uploads, deploys, object mappings, schedules.
pub mod config_hub {
    use super::*;
    include!("../../../sdk/v2025/examples/flows/config_hub.rs");
}
