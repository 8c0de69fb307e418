//! Small inline templates, one behaviour each: short-form tags, nested `FindInMap` by
//! region, conditions from parameters, `Fn::Sub` with a variable map, `AWS::NoValue`,
//! counts through Auto Scaling groups and fleets, SSM image ids, parameters files.

use entitle_sdk::Workload;
use entitle_sdk::model::BillingModel;

use super::Extracted;
use super::corpus_tests::catalog;

/// Models `text` (JSON or YAML) as file `t.yaml`, with an optional parameters file.
fn model(text: &str, params: Option<&str>) -> Extracted {
    let doc = crate::document::parse_bytes(text.as_bytes()).expect("parses").remove(0);
    assert!(super::detect(&doc), "detected");
    let file = params.map(|p| {
        let file = std::env::temp_dir().join(format!("entitle-cfn-{}-{:p}.json", std::process::id(), p));
        std::fs::write(&file, p).expect("write parameters");
        file
    });
    let long = super::LongForms::default().of(text, &doc).expect("long form").map_or(doc, |l| (*l).clone());
    let out = super::workloads("t.yaml", &long, catalog(), file.as_deref(), None).expect("models");
    if let Some(file) = file {
        std::fs::remove_file(file).ok();
    }
    out
}

fn one<'a>(out: &'a Extracted, id: &str) -> &'a Workload {
    out.workloads.iter().find(|w| w.id == id).unwrap_or_else(|| panic!("no workload {id}: {:#?}", out.workloads))
}

const REGIONAL: &str = "AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  OS: {Type: String, Default: RHEL8, AllowedValues: [RHEL8, RHEL9]}
  AmiId: {Type: String, Default: ''}
Mappings:
  Images:
    RHEL8: {Code: R8}
    RHEL9: {Code: R9}
  Regions:
    AMI:
      R8: RHEL-8.8.0_HVM-20230802-x86_64-64-Access2-GP2
      R9: RHEL-9.4.0_HVM-20240605-x86_64-82-Hourly2-GP3
    us-east-1: {R8: ami-0000000000000e181, R9: ami-0000000000000e191}
    eu-west-1: {R8: ami-0000000000000e281, R9: ami-0000000000000e291}
Conditions:
  Custom: !Not [!Equals [!Ref AmiId, '']]
Resources:
  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}
  Vm:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !If
        - Custom
        - !Ref AmiId
        - !FindInMap [Regions, !Ref 'AWS::Region', !FindInMap [Images, !Ref OS, Code]]
      SecurityGroupIds: [!GetAtt Sg.GroupId]
      Monitoring: !If [Custom, true, !Ref 'AWS::NoValue']
      UserData: !Base64
        Fn::Sub:
          - |
            subscription-manager register --org ${Org} --activationkey ${Key}
            echo ${Sg.GroupId} ${AWS::Region} ${!Literal}
          - {Org: !Select [1, !Split [',', 'a,acme,c']], Key: !Join ['-', [k, !Ref OS]]}
";

#[test]
fn short_forms_nested_find_in_map_and_regions() {
    let out = model(REGIONAL, None);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let w = one(&out, "Vm");
    assert_eq!((w.kind.as_str(), w.provider.as_str(), w.count), ("vm", "aws", Some(1)));
    assert_eq!((w.os.product.as_deref(), w.os.major, w.os.minor), (Some("rhel"), Some(8), Some(8)));
    assert_eq!(w.billing.model, BillingModel::Byos);
    assert_eq!(w.image.reference.as_deref(), Some("RHEL-8.8.0_HVM-20230802-x86_64-64-Access2-GP2"));
    assert!(w.image.id.is_none() && w.unknown["image.id"].contains("depends on the region"));
    let at = &w.provenance["os.major"];
    assert_eq!((at.pointer.as_str(), at.line), ("/Resources/Vm/Properties/ImageId", Some(22)));
    let trail: Vec<&str> = w.trail["os.major"].iter().map(|s| s.pointer.as_str()).collect();
    let expected = [
        "/Conditions/Custom",
        "/Parameters/OS/Default",
        "/Mappings/Images/RHEL8/Code",
        "/Mappings/Regions",
        "/Mappings/Regions/AMI/R8",
    ];
    assert_eq!(trail, expected);
    assert_eq!(w.trail["os.major"][2].line, Some(7));
    let when: Vec<&str> = w.alternatives.iter().map(|a| a.when.as_str()).collect();
    assert_eq!(when, ["region eu-west-1", "region us-east-1", "parameter OS = RHEL9"]);
    assert_eq!(w.alternatives[1].image.id.as_deref(), Some("ami-0000000000000e181"));
    assert_eq!((w.alternatives[1].os.minor, w.alternatives[1].billing.model), (Some(8), BillingModel::Byos));
    let rhel9 = &w.alternatives[2];
    assert_eq!((rhel9.os.major, rhel9.os.minor, rhel9.billing.model), (Some(9), Some(4), BillingModel::Payg));
    assert!(rhel9.image.id.is_none(), "regions agree, so one alternative without an id");
    let user_data = w.boot.iter().find(|b| b.kind == "user_data").expect("user data");
    // Unknown parts are holes with their reasons; `${!Literal}` is the text `${Literal}`; a
    // pseudo parameter is an identifier AWS chooses, never script text, so it stays a token.
    assert_eq!(
        user_data.text.as_deref(),
        Some(
            "subscription-manager register --org acme --activationkey k-RHEL8\necho \u{FFFC} ${AWS::Region} ${Literal}\n"
        )
    );
    assert_eq!(
        user_data.unknown.as_deref(),
        Some("partly known: attribute GroupId of resource Sg (Fn::GetAtt), known only after deployment")
    );
}

#[test]
fn short_form_positions_point_into_the_yaml() {
    let doc = crate::document::parse_yaml_cfn(REGIONAL).expect("parses").remove(0);
    let image = "/Resources/Vm/Properties/ImageId/Fn::If";
    assert_eq!(doc.value.pointer(&format!("{image}/2/Fn::FindInMap/1/Ref")), Some(&"AWS::Region".into()));
    assert_eq!(doc.value.pointer("/Resources/Vm/Properties/SecurityGroupIds/0/Fn::GetAtt/1"), Some(&"GroupId".into()));
    let at = doc.position(&format!("{image}/2/Fn::FindInMap/2")).expect("nested FindInMap");
    assert_eq!((at.line, at.column), (25, 52));
}

#[test]
fn conditions_from_parameters_and_parameters_files() {
    let out = model(REGIONAL, Some(r#"[{"ParameterKey": "AmiId", "ParameterValue": "ami-0123456789abcdef0"}]"#));
    let w = one(&out, "Vm");
    assert_eq!(w.image.id.as_deref(), Some("ami-0123456789abcdef0"));
    assert!(w.unknown["os.product"].contains("opaque"), "{:?}", w.unknown);
    let trail: Vec<(&str, &str)> = w.trail["image"].iter().map(|s| (s.path.as_str(), s.pointer.as_str())).collect();
    assert_eq!(trail[0], ("t.yaml", "/Conditions/Custom"));
    assert!(trail[1].1 == "/0/ParameterValue" && trail[1].0.ends_with(".json"), "{trail:?}");
    assert_eq!(w.trail["image"][1].line, Some(1));
    assert!(w.alternatives.is_empty(), "the image no longer reads OS or the region");
    assert_eq!(out.includes.len(), 1);
    assert!(out.notes.iter().any(|n| n.contains("--ami-catalog")), "{:?}", out.notes);
    let bad = model(REGIONAL, Some(r#"[{"ParameterKey": "Nope", "ParameterValue": "x"}]"#));
    assert!(bad.errors.iter().any(|e| format!("{e:?}").contains("does not declare")));
}

#[test]
fn no_value_removes_and_yaml11_booleans_decide_conditions() {
    let text = "Parameters:\n  Big: {Type: String, Default: yes}\nConditions:\n  IsBig: !Equals [!Ref Big, 'true']\n\
        Resources:\n  Lt:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n\
        \x20       ImageId: !If [IsBig, ami-0000000000000b001, !Ref 'AWS::NoValue']\n";
    let out = model(text, None);
    let w = one(&out, "Lt");
    assert_eq!(w.image.id.as_deref(), Some("ami-0000000000000b001"), "unquoted yes is true in CloudFormation");
    let text = text.replace("Default: yes", "Default: 'yes'");
    let out = model(&text, None);
    let w = one(&out, "Lt");
    assert_eq!(w.unknown["image"], "the resource sets no ImageId");
    assert_eq!(
        w.unknown["count"],
        "nothing in this template launches it (no Auto Scaling group, instance or fleet refers to it)"
    );
}

#[test]
fn an_auto_scaling_group_counts_its_launch_template() {
    let text = r#"{"AWSTemplateFormatVersion": "2010-09-09",
      "Parameters": {"Nodes": {"Type": "Number", "Default": 4}},
      "Resources": {
        "Lt": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateName": "web",
          "LaunchTemplateData": {"ImageId": "{{resolve:ssm:/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id}}",
            "UserData": "I2Nsb3VkLWNvbmZpZwo="}}},
        "Asg": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {"MinSize": "1", "MaxSize": "10",
          "DesiredCapacity": {"Ref": "Nodes"},
          "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Lt"}, "Version": {"Fn::GetAtt": ["Lt", "LatestVersionNumber"]}}}},
        "Single": {"Type": "AWS::EC2::Instance", "Properties": {"LaunchTemplate": {"LaunchTemplateName": "web"}}},
        "Fleet": {"Type": "AWS::EC2::EC2Fleet", "Properties": {"TargetCapacitySpecification": {"TotalTargetCapacity": 2},
          "LaunchTemplateConfigs": [{"LaunchTemplateSpecification": {"LaunchTemplateName": "elsewhere", "Version": "1"}}]}},
        "Spot": {"Type": "AWS::EC2::SpotFleet", "Properties": {"SpotFleetRequestConfigData": {"TargetCapacity": 5,
          "LaunchSpecifications": [{"ImageId": {"Fn::ImportValue": "GoldenAmi"}}]}}},
        "Recipe": {"Type": "AWS::ImageBuilder::ImageRecipe", "Properties": {"Name": "r", "Version": "1.0.0",
          "ParentImage": "arn:aws:imagebuilder:us-east-1:aws:image/red-hat-enterprise-linux-9-x86/x.x.x"}}}}"#;
    let out = model(text, None);
    let lt = one(&out, "Lt");
    assert_eq!(lt.count, Some(5), "4 from the group and 1 instance that names it");
    assert_eq!(lt.provenance["count"].pointer, "/Resources/Asg/Properties/DesiredCapacity");
    assert_eq!(lt.trail["count"][0].pointer, "/Parameters/Nodes/Default");
    assert!(lt.evidence.iter().any(|e| e == "Auto Scaling group Asg launches it: desired 4, min 1, max 10"));
    assert_eq!((lt.os.product.as_deref(), lt.os.major, lt.os.minor), (Some("ubuntu"), Some(22), Some(4)));
    assert_eq!(lt.boot[0].text.as_deref(), Some("#cloud-config\n"));
    assert!(out.workloads.iter().all(|w| w.id != "Asg" && w.id != "Single"), "launchers count into the template");
    let fleet = one(&out, "Fleet");
    assert_eq!((fleet.kind.as_str(), fleet.count), ("fleet", Some(2)));
    assert!(fleet.unknown["image"].contains("launch template elsewhere"), "{:?}", fleet.unknown);
    let spot = one(&out, "Spot");
    assert_eq!((spot.kind.as_str(), spot.count), ("spot_fleet", Some(5)));
    assert!(spot.unknown["image"].contains("Fn::ImportValue"));
    let recipe = one(&out, "Recipe");
    assert_eq!((recipe.os.product.as_deref(), recipe.os.major, recipe.count), (Some("rhel"), Some(9), None));
}

#[test]
fn failures_weak_hints_and_ssm_paths() {
    let text = "Parameters:\n  Ami: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base}\n\
        Mappings:\n  M:\n    us-east-1: {RHEL79HVM: ami-0000000000000a791}\n\
        Resources:\n  Win:\n    Type: AWS::EC2::Instance\n    Properties: {ImageId: !Ref Ami}\n\
        \x20 Hint:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Properties: {ImageId: !FindInMap [M, !Ref 'AWS::Region', RHEL79HVM]}\n\
        \x20 Broken:\n    Type: AWS::EC2::Instance\n    Properties: {ImageId: !FindInMap [M, us-east-1, RHEL8]}\n\
        \x20 Lc2:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Properties: {ImageId: ami-0000000000000fff1}\n\
        \x20 Asg:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties: {LaunchConfigurationName: !Ref Lc2, MinSize: 2, MaxSize: 3}\n";
    let out = model(text, None);
    let win = one(&out, "Win");
    assert_eq!((win.os.vendor.as_deref(), win.os.product.as_deref()), (Some("microsoft"), Some("windows")));
    assert!(!win.is_rhel());
    let hint = one(&out, "Hint");
    assert_eq!((hint.os.major, hint.os.minor, hint.billing.model), (Some(7), Some(9), BillingModel::Unknown));
    assert!(hint.evidence.iter().any(|e| e.starts_with("weak hint: only the mapping key RHEL79HVM")));
    assert_eq!(hint.alternatives.len(), 1);
    let broken = one(&out, "Broken");
    assert!(broken.unknown["image"].contains("mapping M has no entry us-east-1 / RHEL8"));
    let error = out.errors.iter().find(|e| format!("{e:?}").contains("Broken")).expect("an error for Broken");
    assert_eq!(error.line, Some(15));
    assert_eq!(one(&out, "Lc2").count, Some(2), "no DesiredCapacity: the group starts at MinSize");
}

/// The Quick Start filter block named differently from its mapping still names the AMI; a
/// key found in two blocks is ambiguous and names nothing.
#[test]
fn metadata_filters_under_another_name_name_the_ami() {
    let template = |extra: &str| {
        format!(
            "AWSTemplateFormatVersion: '2010-09-09'
Metadata:
  AWSAMIRegionMap:
    Filters:
      RHEL93HVM: {{name: RHEL-9.4.0_HVM-20240830-x86_64-1-Access2-GP3, owner-id: '309956199498'}}
{extra}Mappings:
  RegionMap:
    us-east-1: {{RHEL93HVM: ami-0000000000000e181}}
Resources:
  Vm:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionMap, !Ref 'AWS::Region', RHEL93HVM]
"
        )
    };
    let out = model(&template(""), None);
    let vm = one(&out, "Vm");
    assert_eq!((vm.os.major, vm.os.minor, vm.billing.model), (Some(9), Some(4), BillingModel::Byos), "{vm:#?}");
    assert!(vm.evidence.iter().any(|e| e.contains("Metadata AWSAMIRegionMap.Filters.RHEL93HVM names the AMI")));
    let other = "  OtherMap:\n    Filters:\n      RHEL93HVM: {name: RHEL-9.2.0_HVM-20230503-x86_64-41-Hourly2-GP2}\n";
    let out = model(&template(other), None);
    let vm = one(&out, "Vm");
    assert_eq!(vm.billing.model, BillingModel::Unknown, "{vm:#?}");
    assert_eq!(vm.os.minor, Some(3), "only the mapping key's weak hint: {vm:#?}");
}

#[test]
fn a_parameter_choice_carries_its_own_trail() {
    let out = model(REGIONAL, None);
    let rhel9 = one(&out, "Vm").alternatives.iter().find(|a| a.when == "parameter OS = RHEL9").expect("RHEL9 choice");
    let trail: Vec<&str> = rhel9.trail["os.major"].iter().map(|s| s.pointer.as_str()).collect();
    assert_eq!(
        trail,
        [
            "/Conditions/Custom",
            "/Parameters/OS/AllowedValues/1",
            "/Mappings/Images/RHEL9/Code",
            "/Mappings/Regions",
            "/Mappings/Regions/AMI/R9",
        ],
        "the chosen value, then the RHEL9 rows (the default reads RHEL8's)"
    );
    assert_eq!(rhel9.trail["os.major"][4].line, Some(12));
    assert_eq!(rhel9.provenance["os.major"].line, Some(22));
}

#[test]
fn a_parameters_file_value_outside_allowed_values_is_a_finding() {
    let out = model(REGIONAL, Some(r#"[{"ParameterKey": "OS", "ParameterValue": "RHEL7"}]"#));
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let [f] = out.findings.as_slice() else { panic!("one finding: {:?}", out.findings) };
    assert_eq!(f.rule, "ENTITLE-PARAM-NOT-ALLOWED");
    assert!(f.message.contains("CloudFormation would reject the deployment"), "{}", f.message);
    assert!(f.message.contains("checked with its Default RHEL8"), "{}", f.message);
    assert_eq!((f.source.pointer.as_str(), f.source.line), ("/0/ParameterValue", Some(1)));
    assert_eq!(one(&out, "Vm").os.major, Some(8), "modelled with the Default");
}

/// A boot script whose only unknown parts are pseudo parameters is known: a region or stack
/// name cannot hide a command, so "not registered" can be judged.
#[test]
fn pseudo_parameters_in_user_data_do_not_make_registration_unknown() {
    let text = r#"
Resources:
  Vm:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0123456789abcdef0
      UserData: !Base64
        Fn::Sub: |
          #!/bin/bash
          aws s3 cp s3://bucket-${AWS::Region}/setup.sh /tmp/ --region ${AWS::Region}
          echo ${AWS::StackName} > /etc/stack
"#;
    let mut out = model(text, None);
    let boot = &one(&out, "Vm").boot[0];
    assert_eq!(boot.unknown, None, "{boot:?}");
    assert!(boot.text.as_deref().unwrap().contains("s3://bucket-${AWS::Region}/setup.sh"), "{boot:?}");
    crate::registration::scan(&mut out.workloads, &|_, _| None);
    let w = one(&out, "Vm");
    assert!(w.registration.is_empty() && !w.unknown.contains_key("registration"), "{:?}", w.unknown);
}
