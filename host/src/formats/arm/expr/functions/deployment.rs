//! Deployment and scope functions: `parameters`, `variables`, `copyIndex`, `reference`,
//! `deployment`, `resourceGroup`, `subscription` (all asked of the [`Context`]), and the
//! runtime-only ones that are always unknown: `environment`, `tenant`,
//! `managementGroup` (objects of unknown members), `uniqueString`, `guid`, `newGuid`,
//! `utcNow`, `list*`, `pickZones`, `providers`, `references`; and `notEvaluated('why')`,
//! which no template has: the Bicep front-end writes it where a value is not evaluated.

use super::support::unknown_like;
use super::{Args, Def, eager, sees_unknowns};
use crate::formats::arm::expr::{Context, EvalError};
use crate::formats::arm::value::{Kind, Val};

/// The reason given by `uniqueString()` and `guid()`.
const HASHED: &str = "uniqueString()/guid() values are computed by Azure at deployment";

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "parameters" => eager("parameters", |a, ctx| ctx.parameter(named(a)?)),
        "variables" => eager("variables", |a, ctx| ctx.variable(named(a)?)),
        "copyindex" => eager("copyIndex", copy_index),
        "reference" => sees_unknowns("reference", reference),
        "deployment" => eager("deployment", |a, ctx| a.arity(0, 0).map(|()| ctx.deployment())),
        "resourcegroup" => eager("resourceGroup", |a, ctx| a.arity(0, 0).map(|()| ctx.resource_group())),
        "subscription" => eager("subscription", |a, ctx| a.arity(0, 0).map(|()| ctx.subscription())),
        "environment" => eager("environment", environment),
        "tenant" => {
            eager("tenant", |a, _| scope_object(a, "tenant()", &["countryCode", "displayName", "id", "tenantId"]))
        }
        "managementgroup" => {
            eager("managementGroup", |a, _| scope_object(a, "managementGroup()", &["id", "name", "properties", "type"]))
        }
        "uniquestring" => sees_unknowns("uniqueString", |a, _| a.arity(1, usize::MAX).map(|()| Val::unknown(HASHED))),
        "guid" => sees_unknowns("guid", |a, _| a.arity(1, usize::MAX).map(|()| Val::unknown(HASHED))),
        "newguid" => eager("newGuid", |a, _| {
            a.arity(0, 0).map(|()| Val::unknown("newGuid() gives a new value at every deployment"))
        }),
        "utcnow" => eager("utcNow", |a, _| a.arity(0, 1).map(|()| Val::unknown("utcNow() is the time of deployment"))),
        "pickzones" => sees_unknowns("pickZones", |_, _| {
            Ok(Val::unknown("pickZones() depends on the region's availability zones, known only at deployment"))
        }),
        "providers" => sees_unknowns("providers", |_, _| Ok(Val::unknown("providers() is only known at deployment"))),
        "references" => {
            sees_unknowns("references", |_, _| Ok(Val::unknown("references() is only known at deployment")))
        }
        "notevaluated" => eager("notEvaluated", |a, _| Ok(Val::unknown(a.str(0)?.to_owned()))),
        n if n.starts_with("list") => sees_unknowns("list*", |a, _| {
            Ok(Val::unknown(format!("{}() values are only known at deployment", a.written)))
        }),
        _ => None,
    }
}

/// The single name argument of `parameters` / `variables`.
fn named<'a>(args: &'a Args<'_>) -> Result<&'a str, EvalError> {
    args.arity(1, 1)?;
    args.str(0)
}

/// `copyIndex()`, `copyIndex(offset)`, `copyIndex('loop')`, `copyIndex('loop', offset)`.
fn copy_index(args: &mut Args<'_>, ctx: &dyn Context) -> Result<Val, EvalError> {
    args.arity(0, 2)?;
    let (name, offset) = match (args.vals.first().map(|v| &v.kind), args.len()) {
        (None, _) => (None, 0),
        (Some(Kind::Int(n)), 1) => (None, *n),
        (Some(Kind::Str(s)), 1) => (Some(s.as_str()), 0),
        (Some(Kind::Str(s)), _) => (Some(s.as_str()), args.int(1)?),
        (Some(_), 1) => return Err(args.wrong_type(0, "a loop name (String) or an offset (Int)")),
        (Some(_), _) => return Err(args.wrong_type(0, "a loop name (String)")),
    };
    let index = ctx.copy_index(name)?;
    index.checked_add(offset).map(Val::int).ok_or_else(|| args.err(format_args!("{index} + {offset} overflows")))
}

/// `reference(target, [apiVersion], ['Full'])`: asked of the context; extra arguments ignored.
fn reference(args: &mut Args<'_>, ctx: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 3)?;
    let target = args.val(0)?;
    match &target.kind {
        Kind::Unknown(_) => Ok(unknown_like(target)),
        Kind::Str(_) => Ok(ctx.reference(target)),
        _ => Err(args.wrong_type(0, "a resource name or id (String)")),
    }
}

/// An object with the given members, each unknown.
fn scope_object(args: &Args<'_>, what: &str, members: &[&str]) -> Result<Val, EvalError> {
    args.arity(0, 0)?;
    let reason = format!("{what} is only known at deployment");
    Ok(Val::new(Kind::Object(members.iter().map(|m| ((*m).to_owned(), Val::unknown(reason.as_str()))).collect())))
}

fn environment(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(0, 0)?;
    let reason = "the Azure cloud environment is only known at deployment";
    let members = [
        "name",
        "gallery",
        "graph",
        "portal",
        "graphAudience",
        "activeDirectoryDataLake",
        "batch",
        "media",
        "sqlManagement",
        "vmImageAliasDoc",
        "resourceManager",
        "authentication",
        "suffixes",
    ];
    Ok(Val::new(Kind::Object(members.iter().map(|m| ((*m).to_owned(), Val::unknown(reason))).collect())))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason, run};
    use serde_json::json;

    #[test]
    fn parameters_and_variables_come_from_the_context() {
        assert_eq!(ok("[parameters('NAME')]"), json!("vm1"));
        assert_eq!(ok("[variables('count')]"), json!(3));
        let v = run("[parameters('located')]").unwrap();
        assert_eq!(v.origin.unwrap().source.path, "t.json");
        assert_eq!(err("[parameters('missing')]"), "parameter 'missing' is not defined");
        assert_eq!(err("[variables(1)]"), "variables: argument 1 must be a String, got Int");
        assert_eq!(err("[parameters()]"), "parameters: expected 1 argument, got 0");
    }

    #[test]
    fn copy_index_forms() {
        assert_eq!(ok("[copyIndex()]"), json!(2));
        assert_eq!(ok("[copyIndex(1)]"), json!(3));
        assert_eq!(ok("[copyIndex('vms')]"), json!(5));
        assert_eq!(ok("[copyIndex('vms', 10)]"), json!(15));
        assert_eq!(err("[copyIndex('other')]"), "copy loop 'other' not found");
        assert_eq!(
            err("[copyIndex(true)]"),
            "copyIndex: argument 1 must be a loop name (String) or an offset (Int), got Bool"
        );
        assert_eq!(err("[copyIndex('vms', 'x')]"), "copyIndex: argument 2 must be an Int, got String");
        assert_eq!(err("[copyIndex('vms', 9223372036854775807)]"), "copyIndex: 5 + 9223372036854775807 overflows");
    }

    #[test]
    fn reference_delegates_and_ignores_extra_arguments() {
        assert_eq!(ok("[reference('nested', '2022-09-01', 'Full').outputs.y.value]"), json!("out"));
        assert_eq!(ok("[reference('nested', parameters('unk')).outputs.y.value]"), json!("out"));
        assert_eq!(
            reason("[reference('vm1').properties]"),
            "reference() to a deployed resource is only known at deployment"
        );
        assert_eq!(reason("[reference(parameters('unk'))]"), "u is unknown");
        assert_eq!(err("[reference(1)]"), "reference: argument 1 must be a resource name or id (String), got Int");
    }

    #[test]
    fn scope_functions() {
        assert_eq!(ok("[deployment().name]"), json!("dep"));
        assert_eq!(ok("[resourceGroup().name]"), json!("rg"));
        assert_eq!(reason("[subscription().subscriptionId]"), "the subscription is only known at deployment");
        assert_eq!(
            reason("[environment().suffixes.storage]"),
            "the Azure cloud environment is only known at deployment"
        );
        assert_eq!(reason("[environment().name]"), "the Azure cloud environment is only known at deployment");
        assert_eq!(reason("[tenant().tenantId]"), "tenant() is only known at deployment");
        assert_eq!(reason("[managementGroup().name]"), "managementGroup() is only known at deployment");
        assert_eq!(err("[resourceGroup('x')]"), "resourceGroup: expected 0 arguments, got 1");
    }

    #[test]
    fn runtime_values_are_unknown() {
        let hashed = "uniqueString()/guid() values are computed by Azure at deployment";
        assert_eq!(reason("[uniqueString(resourceGroup().id)]"), hashed);
        assert_eq!(reason("[guid('a', 'b')]"), hashed);
        assert_eq!(reason("[concat('sa', uniqueString('x'))]"), hashed);
        assert_eq!(err("[uniqueString()]"), "uniqueString: expected at least 1 argument, got 0");
        assert_eq!(reason("[newGuid()]"), "newGuid() gives a new value at every deployment");
        assert_eq!(reason("[utcNow('u')]"), "utcNow() is the time of deployment");
        assert_eq!(
            reason("[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2021-01-01').keys[0].value]"),
            "listKeys() values are only known at deployment"
        );
        assert_eq!(reason("[listSecrets('x', '2020-01-01')]"), "listSecrets() values are only known at deployment");
        assert_eq!(
            reason("[listAccountSas('x', '2020-01-01', createObject())]"),
            "listAccountSas() values are only known at deployment"
        );
        assert!(reason("[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')]").starts_with("pickZones()"));
    }
}
