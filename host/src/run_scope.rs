//! Policies whose metadata says `"scope": "run"` (counting rules such as
//! `BYOS-SUBSCRIPTION-COUNT`) are evaluated once over the workloads of every input,
//! not once per input. Each workload's id is made unique across inputs
//! (`<input number>:<id>`); each finding is mapped back to its input and placed at its
//! line like any other. A run-scoped policy may also place a finding on an org context
//! entry ([`entitle_sdk::CONTEXT_WORKLOAD`]): it is located in the context file.

use entitle_sdk::{Deployment, Scope, Workload};
use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

use crate::check::{CheckOptions, Checker, GuestView, Shared};
use crate::input::LoadedInput;
use crate::place::place;
use crate::request_prefix::Prefix;
use crate::sent_fields::SentFields;
use crate::{Error, report};

/// True when the policy at `index` is evaluated once per run.
pub fn is_run_scoped(checker: &Checker, index: usize) -> bool {
    checker.policies[index].metadata.scope == Scope::Run
}

/// The inputs of a run as the run-scoped policies read them: one at a time, each with its
/// workloads and their provenance (a streaming run keeps them packed: [`crate::kept`]).
pub(crate) trait RunInputs {
    /// How many inputs.
    fn count(&self) -> usize;
    /// Input `n`, its workloads' provenance and trail in place.
    fn input(&self, n: usize) -> RunInput<'_>;
    /// Input `n` for its guest view: its workloads, whose provenance and trail (which no
    /// policy is sent) may be left out.
    fn workloads(&self, n: usize) -> RunInput<'_> {
        self.input(n)
    }
    /// True when some input has a workload.
    fn any_workloads(&self) -> bool;
}

/// One input as [`RunInputs::input`] gives it: held by the run, or unpacked for the caller.
pub(crate) enum RunInput<'a> {
    Borrowed(&'a LoadedInput),
    Unpacked(Box<LoadedInput>),
}

impl std::ops::Deref for RunInput<'_> {
    type Target = LoadedInput;

    fn deref(&self) -> &LoadedInput {
        match self {
            RunInput::Borrowed(input) => input,
            RunInput::Unpacked(input) => input,
        }
    }
}

impl RunInputs for [&LoadedInput] {
    fn count(&self) -> usize {
        self.len()
    }

    fn input(&self, n: usize) -> RunInput<'_> {
        RunInput::Borrowed(self[n])
    }

    fn any_workloads(&self) -> bool {
        self.iter().any(|l| !l.workloads.is_empty())
    }
}

/// What a run-scoped policy sees: every input's guest view, and one deployment of all
/// their workloads, each id prefixed with its input's number (with the fields the policy
/// is sent: [`SentFields`]).
pub(crate) fn run_deployment(loaded: &[&LoadedInput], fields: SentFields<'_>) -> (Vec<GuestView>, Deployment) {
    let views: Vec<GuestView> = loaded.iter().map(|l| GuestView::new(l)).collect();
    let mut workloads = Vec::new();
    each_workload(loaded, fields, |w| workloads.push(w));
    (views, Deployment { path: String::new(), format: "run".into(), workloads })
}

/// Calls `each` with every workload of every input's guest view, in order, its id
/// prefixed with the input's number and only `fields` kept; one input (and its view) is
/// held at a time.
fn each_workload<I: RunInputs + ?Sized>(loaded: &I, fields: SentFields<'_>, mut each: impl FnMut(Workload)) {
    for n in 0..loaded.count() {
        let input = loaded.workloads(n);
        let view = GuestView::new(&input);
        let deployment = if fields.properties { view.with_properties(&input) } else { view.deployment };
        for mut w in deployment.workloads {
            fields.trim(&mut w);
            w.id = format!("{n}:{}", w.id);
            each(w);
        }
    }
}

/// [`run_deployment`]'s deployment as it serialises, without holding it: the run's request
/// is written one input's workloads at a time.
struct RunDeployment<'a, I: ?Sized> {
    loaded: &'a I,
    fields: SentFields<'a>,
}

impl<I: RunInputs + ?Sized> Serialize for RunDeployment<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_struct("Deployment", 3)?;
        map.serialize_field("path", "")?;
        map.serialize_field("format", "run")?;
        map.serialize_field("workloads", &RunWorkloads(self))?;
        map.end()
    }
}

/// The `workloads` of a [`RunDeployment`].
struct RunWorkloads<'a, I: ?Sized>(&'a RunDeployment<'a, I>);

impl<I: RunInputs + ?Sized> Serialize for RunWorkloads<'_, I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut failed = None;
        each_workload(self.0.loaded, self.0.fields, |w| {
            if failed.is_none() {
                failed = seq.serialize_element(&w).err();
            }
        });
        match failed {
            Some(e) => Err(e),
            None => seq.end(),
        }
    }
}

/// The part of a run-scoped request after the policy's prefix: date, context and every input's workloads, with
/// `fields` kept.
fn shared_part<I: RunInputs + ?Sized>(loaded: &I, fields: SentFields<'_>, options: &CheckOptions) -> Vec<u8> {
    let deployment = RunDeployment { loaded, fields };
    let shared = Shared {
        as_of: options.as_of,
        warn_within_days: options.warn_within_days,
        context: &options.context,
        deployment: &deployment,
    };
    serde_json::to_vec(&shared).expect("the model serialises")
}

/// Evaluates the run-scoped policies among `runnable` over all of `loaded`.
pub(crate) fn evaluate<I: RunInputs + ?Sized>(
    checker: &Checker,
    loaded: &I,
    runnable: &[(usize, Prefix)],
    options: &CheckOptions,
    logs: &mut Vec<crate::guest_log::GuestLog>,
) -> (Vec<report::Finding>, Vec<Error>) {
    let (mut findings, mut errors) = (Vec::new(), Vec::new());
    let run: Vec<&(usize, Prefix)> = runnable.iter().filter(|(i, _)| is_run_scoped(checker, *i)).collect();
    if run.is_empty() || !loaded.any_workloads() {
        return (findings, errors);
    }
    // Each policy is sent the fields it reads: one serialisation for each different set.
    let serialise = |fields: SentFields<'_>| shared_part(loaded, fields, options);
    let fields = |index: usize| SentFields::of(&checker.policies[index].metadata);
    // Each policy's part: the index of the first policy sent the same fields (whose part it shares).
    let part_of: Vec<usize> =
        run.iter().map(|(i, _)| run.iter().position(|(j, _)| fields(*j).same(&fields(*i))).unwrap_or(0)).collect();
    let parts: Vec<Option<Vec<u8>>> =
        run.iter().enumerate().map(|(k, (i, _))| (part_of[k] == k).then(|| serialise(fields(*i)))).collect();
    // The policies run side by side (the tail of a run is otherwise one thread); replies are then read in order.
    let numbered: Vec<(usize, &&(usize, Prefix))> = run.iter().enumerate().collect();
    let replies = crate::check::parallel(&numbered, options.jobs, |(k, (index, prefix))| {
        let policy = &checker.policies[*index];
        let shared = parts[part_of[*k]].as_deref().expect("serialised for the first policy sent these fields");
        // The request is the prefix and the shared part after its `{`, written into the
        // guest one after the other (never joined: the shared part can be tens of MB).
        let request: [&[u8]; 2] = [&prefix.bytes, &shared[1..]];
        policy.evaluate_parts(&checker.runtime, prefix.prepared.as_ref(), &request, "(all inputs)")
    });
    for ((index, _), reply) in run.iter().zip(replies) {
        let policy = &checker.policies[*index];
        let evaluated = match reply {
            Ok(evaluated) => evaluated,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        crate::guest_log::collect(policy.id(), "(all inputs)", evaluated.logs, options.verbosity, logs);
        let mut per_input: Vec<Vec<entitle_sdk::Finding>> = vec![Vec::new(); loaded.count()];
        let (on_context, evaluated): (Vec<_>, Vec<_>) =
            evaluated.findings.into_iter().partition(|f| f.workload == entitle_sdk::CONTEXT_WORKLOAD);
        match on_context.into_iter().map(|f| crate::context_finding::place(policy, options, f)).collect() {
            Ok(placed) => findings.extend::<Vec<_>>(placed),
            Err(e) => errors.push(e),
        }
        for mut f in evaluated {
            let Some((n, id)) = f.workload.split_once(':').and_then(|(n, id)| Some((n.parse::<usize>().ok()?, id)))
            else {
                let why = format!("finding for workload `{}`, which is not in the run", f.workload);
                errors.push(Error::new(crate::Phase::Evaluate, crate::ErrorKind::Reply(why)).policy(policy.id()));
                continue;
            };
            if n >= loaded.count() {
                let why = format!("finding for workload `{}`, which is not in the run", f.workload);
                errors.push(Error::new(crate::Phase::Evaluate, crate::ErrorKind::Reply(why)).policy(policy.id()));
                continue;
            }
            f.workload = id.to_owned();
            per_input[n].push(f);
        }
        for (n, found) in per_input.into_iter().enumerate().filter(|(_, f)| !f.is_empty()) {
            // The view of an input is built again only when a finding lands in it.
            let input = loaded.input(n);
            let view = GuestView::new(&input);
            match place(policy, &input, &view, found, options.context_file.as_ref()) {
                Ok(placed) => findings.extend(placed),
                Err(e) => errors.push(e),
            }
        }
    }
    (findings, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_request_carries_only_the_fields_its_policy_reads() {
        let mut input = LoadedInput::empty("a.json", std::path::Path::new("a.json"));
        let mut w = Workload { id: "vm".into(), count: Some(2), ..Default::default() };
        w.evidence.push("offer rhel-byos".into());
        w.unknown.insert("region".into(), "a parameter".into());
        input.workloads.push(w);
        let options = CheckOptions::new("2026-11-25".parse().unwrap());
        let only = vec!["count".to_owned()];
        let workload = |fields| {
            let part: serde_json::Value =
                serde_json::from_slice(&shared_part(&[&input][..], fields, &options)).unwrap();
            part["deployment"]["workloads"][0].clone()
        };
        let all = workload(SentFields::PLAIN);
        assert_eq!((&all["id"], &all["count"]), (&"0:vm".into(), &2.into()));
        assert!(all.get("evidence").is_some() && all.get("unknown").is_some(), "{all}");
        let trimmed = workload(SentFields::new(false, &only));
        assert_eq!((&trimmed["id"], &trimmed["count"]), (&"0:vm".into(), &2.into()));
        assert!(trimmed.get("evidence").is_none() && trimmed.get("unknown").is_none(), "{trimmed}");
    }
}
