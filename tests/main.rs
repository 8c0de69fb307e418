//! One integration-test binary for the workspace: golden cases of every policy, the
//! ARM front-end cases, the real corpus with its expected results, and hostile guests.

mod arm_cases;
mod baseline_corpus;
mod bicep_cases;
mod bom_cases;
mod case_folders;
mod choices;
mod corpus;
mod golden;
mod k8s_cases;
mod limits;
mod platform_cases;
mod prepared;
mod product_cases;
mod summary;
mod support;
mod support_scope;
mod tfhcl_cases;
