//! Turns literal image references into OS, billing and add-on facts, so every front-end classifies images alike.
//!
//! Front-ends pass the parts of an image reference they could read as literals; the classifier
//! answers with values, the evidence for each, and a reason for each value it cannot know.

pub mod azure;
pub mod sku;

pub use azure::{AzureImage, Classification, classify_azure};
