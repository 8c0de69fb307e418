//! The resource walk: which resources define an image (instances, launch templates and
//! configurations, Spot Fleet launch specifications, Image Builder recipes), which only
//! launch what another resource defines (Auto Scaling groups, fleets, instances from a
//! launch template), and which are not deployed with the template's defaults.

use serde_json::Value;

use super::eval::Eval;
use super::value::Kind;
use crate::document::escape_token;

/// A resource (or a fleet's launch specification) that names an image.
#[derive(Clone, Debug)]
pub struct Compute {
    /// Unique in the template: the logical id, `Fleet[1]` for a fleet's second specification.
    pub id: String,
    /// The resource's logical id.
    pub logical: String,
    /// The resource type.
    pub ty: String,
    /// The workload kind.
    pub kind: &'static str,
    /// The resource's pointer.
    pub pointer: String,
    /// Where its image is (or would be) written.
    pub image: String,
    /// Where its user data is (or would be) written.
    pub user_data: Option<String>,
    /// Evidence about the resource itself.
    pub notes: Vec<String>,
}

/// What a launcher points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A launch template or configuration of this template, by logical id.
    Resource(String),
    /// One defined elsewhere, described.
    External(String),
}

/// How many instances a launcher starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Count {
    /// One instance.
    One,
    /// An Auto Scaling group's desired (else minimum) capacity.
    Group,
    /// A fleet's target capacity, at this pointer.
    Capacity(String),
}

/// A resource that launches instances from a launch template or configuration.
#[derive(Clone, Debug)]
pub struct Launcher {
    /// Its logical id.
    pub logical: String,
    /// Its type.
    pub ty: String,
    /// Its pointer.
    pub pointer: String,
    /// Where the reference to the template is written.
    pub at: String,
    /// What it launches.
    pub target: Target,
    /// How many.
    pub count: Count,
    /// Its own user data (an instance from a launch template), if any.
    pub user_data: Option<String>,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Found {
    pub computes: Vec<Compute>,
    pub launchers: Vec<Launcher>,
    /// Resources not modelled, and why (for the notes).
    pub skipped: Vec<String>,
    /// Resources whose condition cannot be evaluated: (pointer, message).
    pub problems: Vec<(String, String)>,
}

/// Walks the template's resources with the default parameter values.
pub fn walk(eval: &Eval<'_>) -> Found {
    let mut found = Found::default();
    for (logical, resource) in eval.t.section("Resources") {
        let pointer = format!("/Resources/{}", escape_token(logical));
        if logical.starts_with("Fn::ForEach::") {
            found.skipped.push(format!(
                "{logical} is an Fn::ForEach loop (Transform AWS::LanguageExtensions); loops are not expanded, so its resources are not checked"
            ));
            continue;
        }
        let ty = resource.get("Type").and_then(Value::as_str).unwrap_or_default().to_owned();
        let props = format!("{pointer}/Properties");
        let mut notes = Vec::new();
        if let Some(condition) = resource.get("Condition").and_then(Value::as_str) {
            let decided = eval.condition(condition);
            match decided.kind {
                Kind::Bool(false) if is_compute(&ty) => {
                    let reads = reads(eval, condition);
                    found.skipped.push(format!(
                        "{logical} ({ty}) is not deployed with the template's parameter values: its condition {condition} is false{reads}"
                    ));
                    continue;
                }
                Kind::Bool(false) => continue,
                Kind::Unknown(reason) => notes.push(format!(
                    "its condition {condition} is not known before deployment ({reason}), so it may not be deployed"
                )),
                Kind::Fail(reason) => found.problems.push((format!("{pointer}/Condition"), reason.to_string())),
                _ => {}
            }
        }
        let node = |p: &str| eval.t.node(&format!("{props}/{p}"));
        let compute = |kind, image: String, user_data: Option<String>| Compute {
            id: logical.clone(),
            logical: logical.clone(),
            ty: ty.clone(),
            kind,
            pointer: pointer.clone(),
            image,
            user_data,
            notes: notes.clone(),
        };
        let launcher = |at: String, target, count| Launcher {
            logical: logical.clone(),
            ty: ty.clone(),
            pointer: pointer.clone(),
            at,
            target,
            count,
            user_data: None,
        };
        match ty.as_str() {
            "AWS::EC2::Instance" if node("ImageId").is_none() && node("LaunchTemplate").is_some() => {
                let at = format!("{props}/LaunchTemplate");
                let mut l = launcher(at.clone(), launch_template(eval, &at), Count::One);
                l.user_data = node("UserData").map(|_| format!("{props}/UserData"));
                found.launchers.push(l);
            }
            "AWS::EC2::Instance" => {
                found.computes.push(compute("vm", format!("{props}/ImageId"), Some(format!("{props}/UserData"))))
            }
            "AWS::EC2::LaunchTemplate" => found.computes.push(compute(
                "launch_template",
                format!("{props}/LaunchTemplateData/ImageId"),
                Some(format!("{props}/LaunchTemplateData/UserData")),
            )),
            "AWS::AutoScaling::LaunchConfiguration" => found.computes.push(compute(
                "launch_configuration",
                format!("{props}/ImageId"),
                Some(format!("{props}/UserData")),
            )),
            "AWS::AutoScaling::AutoScalingGroup" => {
                let mixed = "MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification";
                let target = if node("LaunchConfigurationName").is_some() {
                    let at = format!("{props}/LaunchConfigurationName");
                    Some((at.clone(), launch_configuration(eval, &at)))
                } else {
                    ["LaunchTemplate", mixed].iter().find(|p| node(p).is_some()).map(|p| {
                        let at = format!("{props}/{p}");
                        (at.clone(), launch_template(eval, &at))
                    })
                };
                match target {
                    Some((at, target)) => found.launchers.push(launcher(at, target, Count::Group)),
                    None => found.skipped.push(format!(
                        "{logical} ({ty}) names no launch configuration or template (it may copy an instance), so its image is not known"
                    )),
                }
            }
            "AWS::EC2::SpotFleet" => {
                let config = format!("{props}/SpotFleetRequestConfigData");
                let capacity = format!("{config}/TargetCapacity");
                let specs = eval.t.node(&format!("{config}/LaunchSpecifications")).and_then(Value::as_array);
                let n = specs.map_or(0, Vec::len);
                for i in 0..n {
                    let spec = format!("{config}/LaunchSpecifications/{i}");
                    let mut c = compute("spot_fleet", format!("{spec}/ImageId"), Some(format!("{spec}/UserData")));
                    if n > 1 {
                        c.id = format!("{logical}[{i}]");
                    }
                    found.computes.push(c);
                }
                for (at, target) in fleet_templates(eval, &format!("{config}/LaunchTemplateConfigs")) {
                    found.launchers.push(launcher(at, target, Count::Capacity(capacity.clone())));
                }
            }
            "AWS::EC2::EC2Fleet" => {
                let capacity = format!("{props}/TargetCapacitySpecification/TotalTargetCapacity");
                for (at, target) in fleet_templates(eval, &format!("{props}/LaunchTemplateConfigs")) {
                    found.launchers.push(launcher(at, target, Count::Capacity(capacity.clone())));
                }
            }
            "AWS::ImageBuilder::ImageRecipe" => {
                found.computes.push(compute("image_recipe", format!("{props}/ParentImage"), None))
            }
            "AWS::CloudFormation::Stack" => {
                let url = node("TemplateURL").map(|u| eval.render(u, &format!("{props}/TemplateURL")).display());
                found.skipped.push(format!(
                    "{logical} is a nested stack ({}); its template is not read, so its resources are not checked",
                    url.unwrap_or_else(|| "no TemplateURL".into())
                ));
            }
            _ => {}
        }
    }
    found
}

/// Resource types that run or define instances.
fn is_compute(ty: &str) -> bool {
    matches!(
        ty,
        "AWS::EC2::Instance"
            | "AWS::EC2::LaunchTemplate"
            | "AWS::AutoScaling::LaunchConfiguration"
            | "AWS::AutoScaling::AutoScalingGroup"
            | "AWS::EC2::SpotFleet"
            | "AWS::EC2::EC2Fleet"
            | "AWS::ImageBuilder::ImageRecipe"
    )
}

/// ` (it reads A = x, B = y)`: the parameters a condition reads, with their values.
fn reads(eval: &Eval<'_>, condition: &str) -> String {
    let probe = Eval::new(eval.t, eval.scope);
    probe.condition(condition);
    let shown: Vec<String> = probe
        .deps()
        .iter()
        .map(|p| match probe.param(p).text() {
            Some(v) => format!("{p} = {v}"),
            None => p.clone(),
        })
        .collect();
    if shown.is_empty() { String::new() } else { format!(" (it reads {})", shown.join(", ")) }
}

/// The resource a `Ref` or `Fn::GetAtt` names directly.
fn named_resource(node: &Value) -> Option<&str> {
    match node {
        Value::Object(map) if map.len() == 1 => match map.iter().next()? {
            (k, Value::String(target)) if k == "Ref" => Some(target),
            (k, Value::Array(parts)) if k == "Fn::GetAtt" => parts.first()?.as_str(),
            (k, Value::String(s)) if k == "Fn::GetAtt" => s.split('.').next(),
            _ => None,
        },
        _ => None,
    }
}

/// The launch configuration named at `at`.
fn launch_configuration(eval: &Eval<'_>, at: &str) -> Target {
    let Some(node) = eval.t.node(at) else { return Target::External("no launch configuration".into()) };
    match named_resource(node) {
        Some(id) if eval.t.resource_type(id) == Some("AWS::AutoScaling::LaunchConfiguration") => {
            Target::Resource(id.to_owned())
        }
        _ => Target::External(format!("launch configuration {}", eval.render(node, at).display())),
    }
}

/// The launch template of a launch template specification at `at`
/// (`LaunchTemplateId` or `LaunchTemplateName`).
fn launch_template(eval: &Eval<'_>, at: &str) -> Target {
    for key in ["LaunchTemplateId", "LaunchTemplateName"] {
        let here = format!("{at}/{key}");
        let Some(node) = eval.t.node(&here) else { continue };
        if let Some(id) = named_resource(node).filter(|id| eval.t.resource_type(id) == Some("AWS::EC2::LaunchTemplate"))
        {
            return Target::Resource(id.to_owned());
        }
        let name = eval.eval(node, &here).text();
        let by_name = name.and_then(|name| eval.launch_template_names().get(&name));
        return match by_name {
            Some(id) => Target::Resource(id.clone()),
            None => Target::External(format!("launch template {}", eval.render(node, &here).display())),
        };
    }
    Target::External("a launch template the specification does not name".into())
}

/// The launch templates of a fleet's `LaunchTemplateConfigs` at `at`.
fn fleet_templates(eval: &Eval<'_>, at: &str) -> Vec<(String, Target)> {
    let n = eval.t.node(at).and_then(Value::as_array).map_or(0, Vec::len);
    (0..n)
        .map(|i| {
            let spec = format!("{at}/{i}/LaunchTemplateSpecification");
            let target = launch_template(eval, &spec);
            (spec, target)
        })
        .collect()
}
