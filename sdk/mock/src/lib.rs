//! What the generated mock crates (`sailpoint-v2025-mock`, `sailpoint-v2024-mock`,
//! `sailpoint-beta-mock`) share: a mock tenant on 127.0.0.1 with an OAuth
//! token endpoint ([`MockTenant`]), the request matching and answers every
//! generated operation mock is built on ([`Expectation`]), and the
//! answers every listing needs: offset pages ([`OffsetPages`]),
//! `searchAfter` pages ([`SearchPages`]) and rate limiting
//! ([`Expectation::too_many_requests`]).
//!
//! Built on [`wiremock`]: the server runs inside the test's own process,
//! and a generated mock's `respond_*` methods return a [`wiremock::Mock`],
//! so its `expect`, `up_to_n_times` and `with_priority` are at hand.
//!
//! Users seldom name this crate: the generated crates re-export it.

mod expectation;
mod pages;
mod tenant;
mod values;

pub use expectation::{Expectation, Join, OperationMock};
pub use pages::{OffsetPages, SearchPages};
pub use sailpoint_runtime::ApiError;
pub use tenant::{CLIENT_ID, CLIENT_SECRET, MockTenant, TOKEN};
pub use values::wire_values;
pub use wiremock::{Mock, MockServer, Request, ResponseTemplate};
