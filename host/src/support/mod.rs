//! Support-scope signals the host finds for every front-end's workloads, after the
//! front-end has handed over what it read: the instance size's family, vCPUs and
//! architecture from the catalog ([`instance`]), and kernel changes in boot scripts
//! ([`kernel`]). Front-ends never repeat this detection.

pub(crate) mod instance;
pub(crate) mod kernel;
