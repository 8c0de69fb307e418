//! What every resource builder needs: the plan, its configuration, the catalog, and the
//! workload skeleton (address, kind, provider, source, planned action) of a resource instance.

use entitle_sdk::model::Source;
use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use super::address::module_address;
use super::config::{Block, Config, Target};
use super::entry::{Entry, Field};
use super::plan::{Plan, Shape};
use crate::formats::source;

/// The plan, its configuration and the catalog.
pub struct Context<'p, 'a> {
    /// The document.
    pub plan: &'p Plan<'a>,
    /// Its configuration (empty for a state).
    pub config: &'p Config<'a>,
    /// The catalog classifiers read.
    pub catalog: &'p Catalog,
    /// Names for opaque AMI ids (`--ami-catalog`).
    pub amis: Option<&'p crate::formats::amis::AmiCatalog>,
}

impl<'a> Context<'_, 'a> {
    /// True when the document was built from Terraform source (no plan): nothing was read
    /// during planning, and reasons name the source instead of the plan.
    pub fn is_source(&self) -> bool {
        self.plan.shape == Shape::Source
    }

    /// ` and no data source read during planning names it` in a plan, nothing for source.
    pub fn unread(&self, what: &str) -> String {
        if self.is_source() { String::new() } else { format!(", and no data source read during planning {what}") }
    }

    /// A `Source` in this file.
    pub fn at(&self, pointer: &str) -> Source {
        source(self.plan.path, pointer)
    }

    /// The workload skeleton of an entry: one instance, provider from the type prefix.
    pub fn base(&self, entry: &Entry<'a>, kind: &str) -> Workload {
        let address = entry.address();
        let provider = match entry.ty.split('_').next() {
            Some("azurerm") => "azure",
            Some("aws") => "aws",
            Some("google") => "gcp",
            _ => "unknown",
        };
        let mut w = Workload {
            id: address.clone(),
            kind: kind.to_owned(),
            provider: provider.to_owned(),
            resource: address,
            source: self.at(&entry.at),
            count: Some(1),
            ..Workload::default()
        };
        let action = match (self.plan.shape, &entry.actions[..]) {
            (Shape::State, _) => "in the state: it runs now".to_owned(),
            (Shape::Source, _) => {
                "read from Terraform source, not a plan: values are evaluated from the configuration and its variables"
                    .to_owned()
            }
            (Shape::Planned, _) => "in planned_values: it runs after apply".to_owned(),
            (_, ["no-op"]) => "planned action no-op: it runs now and stays".to_owned(),
            (_, ["create"]) => "planned action create".to_owned(),
            (_, ["update"]) => "planned action update: it runs now and is changed in place".to_owned(),
            (_, [_, _]) => "planned action replace: the new instance is modelled".to_owned(),
            (_, other) => format!("planned actions {}", other.join(", ")),
        };
        w.evidence.push(action);
        w
    }

    /// The configuration block of an entry's resource.
    pub fn block(&self, entry: &Entry<'a>) -> Option<Block<'a>> {
        self.config.resource(&entry.steps()?, entry.mode, entry.ty, entry.name)
    }

    /// The configuration expression of an entry's attribute.
    pub fn expression(&self, entry: &Entry<'a>, path: &[&str]) -> Option<Block<'a>> {
        Config::expression(&self.block(entry)?, path)
    }

    /// The resource or data source an entry's attribute refers to in the configuration.
    pub fn follow(&self, entry: &Entry<'a>, path: &[&str], accept: &dyn Fn(bool, &str) -> bool) -> Option<Target> {
        let expression = self.expression(entry, path)?;
        self.config.follow(&entry.steps()?, &expression, accept)
    }

    /// The data source a target names, with whether its values were read during planning.
    pub fn data_source(&self, entry: &Entry<'a>, target: &Target) -> Option<(&Entry<'a>, bool)> {
        let module = module_address(&target.steps);
        let like = (module == entry.module).then_some(entry.index).flatten();
        self.plan.data_source(&module, &target.ty, &target.name, target.key.as_deref(), like)
    }

    /// The managed resource instance a target names, when it names one.
    pub fn resource(&self, entry: &Entry<'a>, target: &Target) -> Option<&Entry<'a>> {
        let module = module_address(&target.steps);
        let like = (module == entry.module).then_some(entry.index).flatten();
        self.plan.resource(&module, &target.ty, &target.name, target.key.as_deref(), like)
    }

    /// Records the instance size at `path` (`instance_type`, `size`, `machine_type`) as
    /// `instance.size`, at its value, or why it is not known; nothing when the attribute is absent.
    pub fn size(&self, entry: &Entry<'a>, w: &mut Workload, path: &[&str]) {
        let field = entry.field(path);
        if field.value.is_none() && !field.unknown && !field.sensitive {
            return;
        }
        if let Some(size) = self.record(w, "instance.size", &field) {
            crate::support::instance::set_size(w, &size, None);
        }
    }

    /// Records a string attribute as `field` (value and where it is), or why it is not known.
    pub fn record(&self, w: &mut Workload, field: &str, value: &Field<'a>) -> Option<String> {
        w.provenance.insert(field.to_owned(), self.at(&value.at));
        if let Some(reason) = value.missing(field) {
            w.unknown.insert(field.to_owned(), reason);
        }
        value.text().map(str::to_owned)
    }
}

/// A short text for a JSON value in evidence (strings unquoted).
pub fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
