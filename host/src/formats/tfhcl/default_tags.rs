//! The AWS provider's `default_tags`: Terraform merges them into every resource's
//! `tags_all` (a resource's own `tags` win), so a tag set only there is on the machine. The
//! root module's un-aliased `provider "aws"` block is read, and its tags are merged into a
//! `tags_all` of each AWS resource instance, as a plan shows it; when they are not known, or
//! a resource picks another provider configuration, `tags_all` is unknown with why (the tags
//! it does not list are then unknown, never absent).

use std::collections::BTreeMap;

use super::eval::{Eval, Scope};
use super::files::label;
use super::resources::Instance;
use super::value::{Kind, Val};

/// The root module's AWS default tags: `None` when no `provider "aws"` block sets any.
pub fn of_root(ev: &Eval<'_>) -> Option<Val> {
    let (file, block) = ev.module.blocks("provider").find(|(_, b)| {
        label(b, 0) == "aws"
            && b.body.get_attribute("alias").is_none()
            && b.body.get_blocks("default_tags").next().is_some()
    })?;
    let tags = block.body.get_blocks("default_tags").next()?.body.get_attribute("tags");
    let Some(tags) = tags else { return Some(Val::new(Kind::map(BTreeMap::new()), None)) };
    Some(ev.eval(file, &tags.value, "/provider/aws/default_tags/tags", &Scope::default()))
}

/// Adds `tags_all` to every managed AWS instance: `defaults` merged with its own `tags`.
pub fn apply(instances: &mut [Instance], defaults: &Val, aliased: &dyn Fn(&Instance) -> bool) {
    for i in instances.iter_mut().filter(|i| i.mode == "managed" && i.ty.starts_with("aws_")) {
        let Kind::Map(body) = &i.body.kind else { continue };
        let own = body.get("tags").cloned();
        let merged = match (&defaults.kind, own.as_ref().map(|v| &v.kind)) {
            _ if aliased(i) => {
                unknown("the resource uses another aws provider configuration, whose default_tags are not read")
            }
            (Kind::Map(d), None | Some(Kind::Null)) => Val::new(Kind::Map(d.clone()), defaults.at.clone()),
            (Kind::Map(d), Some(Kind::Map(t))) => {
                let mut all = (**d).clone();
                all.extend(t.iter().map(|(k, v)| (k.clone(), v.clone())));
                Val::new(Kind::map(all), own.as_ref().and_then(|o| o.at.clone()))
            }
            (Kind::Map(_), Some(_)) => unknown("the resource's tags are not known"),
            _ => unknown("the aws provider's default_tags are not known"),
        };
        let mut body = (**body).clone();
        body.insert("tags_all".into(), merged);
        i.body = Val { kind: Kind::map(body), ..i.body.clone() };
    }
}

fn unknown(why: &str) -> Val {
    Val::unknown(format!("tags_all: {why}"), None)
}
