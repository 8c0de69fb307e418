//! One integration-test binary for the workspace: golden cases of every policy, the
//! real corpus with its expected results, and hostile guests.

mod corpus;
mod golden;
mod limits;
mod support;
