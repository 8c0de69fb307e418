//! The request `check` sends a policy, built from the same parts (settings and catalog
//! prefix, date, context, guest view of the deployment), for the tools that call one
//! policy directly: `bench` and `conformance`.

use crate::check::{GuestView, Shared};
use crate::input::LoadedInput;
use crate::runtime::{Policy, Prepared};
use crate::sent_fields::SentFields;
use crate::{CheckOptions, Checker};

/// The request for `policy` with `settings` (JSON) over `inputs`: the one input's
/// deployment for an input-scoped policy (the first is used), every input's workloads
/// for a run-scoped one. With it, the policy's snapshot prepared with the catalog
/// when there is one (the request then has no catalog).
pub fn request(
    checker: &Checker,
    policy: &Policy,
    settings: &[u8],
    inputs: &[&LoadedInput],
    options: &CheckOptions,
) -> (Vec<u8>, Option<Prepared>) {
    let fields = SentFields::of(&policy.metadata);
    let deployment = match policy.metadata.scope {
        entitle_sdk::Scope::Run => crate::run_scope::run_deployment(inputs, fields).1,
        entitle_sdk::Scope::Input => match inputs.first() {
            Some(input) => {
                let view = GuestView::new(input);
                let mut deployment = if fields.properties { view.with_properties(input) } else { view.deployment };
                fields.trim_all(&mut deployment);
                deployment
            }
            None => entitle_sdk::Deployment::default(),
        },
    };
    let shared = Shared {
        as_of: options.as_of,
        warn_within_days: options.warn_within_days,
        context: &options.context,
        deployment: &deployment,
    };
    let shared = serde_json::to_vec(&shared).expect("the model serialises");
    let prefix = checker.request_prefix(policy, settings);
    let mut request = prefix.bytes;
    request.extend_from_slice(&shared[1..]);
    (request, prefix.prepared)
}
