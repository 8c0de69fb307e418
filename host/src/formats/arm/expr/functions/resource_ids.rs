//! Resource id builders: `resourceId`, `subscriptionResourceId`, `tenantResourceId`,
//! `extensionResourceId`, `managementGroupResourceId`.
//!
//! The deployment's own subscription and resource group are not known before
//! deployment, so ids keep `{subscriptionId}` / `{resourceGroupName}` placeholders
//! unless a leading argument gives a known value. Type segments and names interleave:
//! `('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'sub')` gives
//! `…/providers/Microsoft.Network/virtualNetworks/vnet/subnets/sub`.

use super::support::{scalar_text, unknown_like};
use super::{Args, Def, sees_unknowns};
use crate::formats::arm::expr::{Context, EvalError};
use crate::formats::arm::value::{Kind, Val};

/// Which scope an id is built in.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    ResourceGroup,
    Subscription,
    Tenant,
    Extension,
    ManagementGroup,
}

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "resourceid" => sees_unknowns("resourceId", |a, c| build(a, c, Scope::ResourceGroup)),
        "subscriptionresourceid" => sees_unknowns("subscriptionResourceId", |a, c| build(a, c, Scope::Subscription)),
        "tenantresourceid" => sees_unknowns("tenantResourceId", |a, c| build(a, c, Scope::Tenant)),
        "extensionresourceid" => sees_unknowns("extensionResourceId", |a, c| build(a, c, Scope::Extension)),
        "managementgroupresourceid" => {
            sees_unknowns("managementGroupResourceId", |a, c| build(a, c, Scope::ManagementGroup))
        }
        _ => None,
    }
}

/// A known string shaped like a resource type: `Namespace.Provider/type[/type…]`.
fn is_type(v: &Val) -> bool {
    v.as_str().and_then(|s| s.split_once('/')).is_some_and(|(ns, rest)| ns.contains('.') && !rest.is_empty())
}

/// A leading scope argument: its text, `placeholder` when unknown, an error otherwise.
fn scope_part(args: &Args<'_>, i: usize, placeholder: &str) -> Result<String, EvalError> {
    let v = args.val(i)?;
    match &v.kind {
        Kind::Str(s) => Ok(s.clone()),
        Kind::Unknown(_) => Ok(placeholder.to_owned()),
        _ => Err(args.wrong_type(i, "a String")),
    }
}

fn build(args: &mut Args<'_>, _: &dyn Context, scope: Scope) -> Result<Val, EvalError> {
    let (min_leading, max_leading) = match scope {
        Scope::ResourceGroup => (0, 2),
        Scope::Subscription | Scope::ManagementGroup => (0, 1),
        Scope::Tenant => (0, 0),
        Scope::Extension => (1, 1),
    };
    args.arity(min_leading + 2, usize::MAX)?;
    let candidates = min_leading..=max_leading.min(args.len().saturating_sub(2));
    let Some(t) = candidates.clone().find(|&i| args.vals.get(i).is_some_and(is_type)) else {
        if let Some(u) = args.vals.iter().take(max_leading + 1).find(|v| v.is_unknown()) {
            return Ok(unknown_like(u));
        }
        return Err(args.err(format_args!(
            "expected a resource type such as 'Microsoft.Compute/virtualMachines' as argument {}",
            candidates.map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(" or ")
        )));
    };
    // Names first: an unknown name makes the whole id unknown.
    let mut names = Vec::new();
    for (i, v) in args.vals.iter().enumerate().skip(t + 1) {
        match (&v.kind, scalar_text(v)) {
            (Kind::Unknown(_), _) => return Ok(unknown_like(v)),
            (Kind::Str(_) | Kind::Int(_), Some(text)) => names.extend(text.split('/').map(str::to_owned)),
            _ => return Err(args.wrong_type(i, "a resource name (String)")),
        }
    }
    let type_text = args.str(t)?;
    let mut segments = type_text.split('/');
    let namespace = segments.next().unwrap_or_default();
    let types: Vec<&str> = segments.collect();
    if types.len() != names.len() {
        return Err(args.err(format_args!(
            "resource type '{type_text}' needs {} resource name(s), got {}",
            types.len(),
            names.len()
        )));
    }
    let prefix = match (scope, t) {
        (Scope::ResourceGroup, 0) => "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}".to_owned(),
        (Scope::ResourceGroup, 1) => {
            format!("/subscriptions/{{subscriptionId}}/resourceGroups/{}", scope_part(args, 0, "{resourceGroupName}")?)
        }
        (Scope::ResourceGroup, _) => format!(
            "/subscriptions/{}/resourceGroups/{}",
            scope_part(args, 0, "{subscriptionId}")?,
            scope_part(args, 1, "{resourceGroupName}")?
        ),
        (Scope::Subscription, 0) => "/subscriptions/{subscriptionId}".to_owned(),
        (Scope::Subscription, _) => format!("/subscriptions/{}", scope_part(args, 0, "{subscriptionId}")?),
        (Scope::ManagementGroup, 0) => {
            "/providers/Microsoft.Management/managementGroups/{managementGroupName}".to_owned()
        }
        (Scope::ManagementGroup, _) => format!(
            "/providers/Microsoft.Management/managementGroups/{}",
            scope_part(args, 0, "{managementGroupName}")?
        ),
        (Scope::Tenant, _) => String::new(),
        (Scope::Extension, _) => {
            let base = args.val(0)?;
            match &base.kind {
                Kind::Unknown(_) => return Ok(unknown_like(base)),
                Kind::Str(s) => s.trim_end_matches('/').to_owned(),
                _ => return Err(args.wrong_type(0, "a resource id (String)")),
            }
        }
    };
    let mut id = format!("{prefix}/providers/{namespace}");
    for (ty, name) in types.iter().zip(&names) {
        id.push('/');
        id.push_str(ty);
        id.push('/');
        id.push_str(name);
    }
    Ok(Val::str(id))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason};
    use serde_json::json;

    #[test]
    fn resource_ids_in_the_deployment_scope() {
        assert_eq!(
            ok("[resourceId('Microsoft.Compute/images', 'myImage')]"),
            json!(
                "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/images/myImage"
            )
        );
        assert_eq!(
            ok("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'sub')]"),
            json!(
                "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/sub"
            )
        );
        assert_eq!(
            ok("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet/sub')]"),
            json!(
                "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/sub"
            )
        );
    }

    #[test]
    fn leading_scope_arguments_replace_placeholders_when_known() {
        assert_eq!(
            ok("[resourceId('otherRg', 'Microsoft.Compute/galleries', 'g')]"),
            json!("/subscriptions/{subscriptionId}/resourceGroups/otherRg/providers/Microsoft.Compute/galleries/g")
        );
        assert_eq!(
            ok("[resourceId('0000-sub', 'otherRg', 'Microsoft.Compute/galleries', 'g')]"),
            json!("/subscriptions/0000-sub/resourceGroups/otherRg/providers/Microsoft.Compute/galleries/g")
        );
        assert_eq!(
            ok("[resourceId(subscription().subscriptionId, parameters('unk'), 'Microsoft.Compute/galleries', 'g')]"),
            json!(
                "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/g"
            )
        );
    }

    #[test]
    fn other_scopes() {
        assert_eq!(
            ok("[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg1')]"),
            json!("/subscriptions/{subscriptionId}/providers/Microsoft.Resources/resourceGroups/rg1")
        );
        assert_eq!(
            ok("[subscriptionResourceId('s1', 'Microsoft.Authorization/roleDefinitions', 'r')]"),
            json!("/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/r")
        );
        assert_eq!(
            ok("[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]"),
            json!("/providers/Microsoft.Management/managementGroups/mg")
        );
        assert_eq!(
            ok("[extensionResourceId('/subscriptions/s/resourceGroups/r', 'Microsoft.Authorization/locks', 'l')]"),
            json!("/subscriptions/s/resourceGroups/r/providers/Microsoft.Authorization/locks/l")
        );
        assert_eq!(
            ok("[managementGroupResourceId('Microsoft.Authorization/policyDefinitions', 'p')]"),
            json!(
                "/providers/Microsoft.Management/managementGroups/{managementGroupName}/providers/Microsoft.Authorization/policyDefinitions/p"
            )
        );
    }

    #[test]
    fn unknown_names_or_types_make_the_id_unknown() {
        assert_eq!(reason("[resourceId('Microsoft.Compute/images', parameters('unk'))]"), "u is unknown");
        assert_eq!(reason("[resourceId(parameters('unk'), 'name')]"), "u is unknown");
        assert_eq!(
            reason("[extensionResourceId(parameters('unk'), 'Microsoft.Authorization/locks', 'l')]"),
            "u is unknown"
        );
    }

    #[test]
    fn malformed_ids_are_errors() {
        assert_eq!(
            err("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet')]"),
            "resourceId: resource type 'Microsoft.Network/virtualNetworks/subnets' needs 2 resource name(s), got 1"
        );
        assert_eq!(
            err("[resourceId('vm', 'name')]"),
            "resourceId: expected a resource type such as 'Microsoft.Compute/virtualMachines' as argument 1"
        );
        assert_eq!(err("[resourceId('Microsoft.Compute/images')]"), "resourceId: expected at least 2 arguments, got 1");
        assert_eq!(
            err("[resourceId('Microsoft.Compute/images', createArray())]"),
            "resourceId: argument 2 must be a resource name (String), got Array"
        );
        assert_eq!(
            err("[resourceId(1, 'Microsoft.Compute/images', 'i')]"),
            "resourceId: argument 1 must be a String, got Int"
        );
    }
}
