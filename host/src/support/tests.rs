//! The detector on small hand-written documents.

use entitle_sdk::Workload;
use entitle_sdk::model::{BootConfig, Source, Strength};
use serde_json::{Value, json};

use super::detect;
use crate::formats::Format;

fn vm(id: &str, pointer: &str, script: Option<&str>) -> Workload {
    let source = Source { path: "t.json".into(), pointer: pointer.into(), line: None, column: None };
    let boot = script
        .map(|t| BootConfig {
            kind: "custom_data".into(),
            text: Some(t.into()),
            source: source.clone(),
            ..Default::default()
        })
        .into_iter()
        .collect();
    Workload { id: id.into(), resource: id.into(), count: Some(1), source, boot, ..Default::default() }
}

fn run(workloads: &mut [Workload], format: Format, doc: &Value) {
    detect(workloads, Some(format), Some(doc), "t.json", &|_, _| None);
}

#[test]
fn pcs_cluster_setup_names_one_cluster_and_a_comment_names_none() {
    let mut ws = [
        vm(
            "a",
            "/resources/0",
            Some("yum install -y pcs pacemaker fence-agents-azure-arm\npcs cluster setup hana-cl node1 node2"),
        ),
        vm("b", "/resources/1", Some("pcs cluster setup hana-cl node1 node2")),
        vm("c", "/resources/2", Some("# pcs cluster setup x a b\n# yum install pacemaker\necho hi")),
    ];
    run(&mut ws, Format::Arm, &json!({"resources": []}));
    let (a, b) = (ws[0].ha.as_ref().unwrap(), ws[1].ha.as_ref().unwrap());
    assert_eq!(a.id, b.id);
    assert_eq!(a.fencing.as_deref(), Some("azure-fence-agent"));
    assert_eq!(b.fencing.as_deref(), Some("azure-fence-agent"), "fencing is the cluster's");
    assert_eq!(a.strength, Strength::Strong);
    assert!(ws[2].ha.is_none());
}

#[test]
fn azure_fence_role_assigned_to_two_vms_makes_them_members() {
    let doc = json!({"resources": [
        {"type": "Microsoft.Compute/virtualMachines", "name": "[parameters('vm1')]"},
        {"type": "Microsoft.Compute/virtualMachines", "name": "[parameters('vm2')]"},
        {"type": "Microsoft.Authorization/roleDefinitions", "name": "[variables('fenceRole')]",
         "properties": {"permissions": [{"actions": ["Microsoft.Compute/*/powerOff/action", "Microsoft.Compute/*/start/action"]}]}},
        {"type": "Microsoft.Authorization/roleAssignments", "name": "[guid('a')]", "properties": {
            "roleDefinitionId": "[resourceId('Microsoft.Authorization/roleDefinitions', variables('fenceRole'))]",
            "principalId": "[reference(resourceId('Microsoft.Compute/virtualMachines', parameters('vm1')), '2023-03-01', 'full').identity.principalId]"}},
        {"type": "Microsoft.Authorization/roleAssignments", "name": "[guid('b')]", "properties": {
            "roleDefinitionId": "[resourceId('Microsoft.Authorization/roleDefinitions', variables('fenceRole'))]",
            "principalId": "[reference(resourceId('Microsoft.Compute/virtualMachines', parameters('vm2')), '2023-03-01', 'full').identity.principalId]"}},
        {"type": "Microsoft.Compute/virtualMachines", "name": "[parameters('web')]"}
    ]});
    let mut ws = [vm("vm1", "/resources/0", None), vm("vm2", "/resources/1", None), vm("web", "/resources/5", None)];
    run(&mut ws, Format::Arm, &doc);
    let a = ws[0].ha.as_ref().expect("vm1 is a member");
    assert_eq!(a.fencing.as_deref(), Some("azure-fence-agent"));
    assert_eq!(ws[1].ha.as_ref().unwrap().id, a.id);
    assert!(ws[2].ha.is_none(), "a VM the role is not assigned to is not a member");
    assert_eq!(ws[0].provenance["ha"].pointer, "/resources/2");
}

#[test]
fn one_instance_allowed_to_stop_instances_is_not_a_cluster() {
    let doc = json!({"Resources": {
        "Node": {"Type": "AWS::EC2::Instance", "Properties": {"IamInstanceProfile": {"Ref": "Profile"}, "InstanceType": "m7g.large"}},
        "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "Role"}]}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": {"Statement": [{"Action": ["ec2:StopInstances", "ec2:StartInstances"]}]}}]}}
    }});
    let mut one = [vm("Node", "/Resources/Node", None)];
    run(&mut one, Format::CloudFormation, &doc);
    assert!(one[0].ha.is_none());
    assert_eq!(one[0].instance.as_ref().and_then(|i| i.size.as_deref()), Some("m7g.large"));
    let mut two = [Workload { count: Some(2), ..vm("Node", "/Resources/Node", None) }];
    run(&mut two, Format::CloudFormation, &doc);
    assert_eq!(two[0].ha.as_ref().and_then(|h| h.fencing.as_deref()), Some("fence_aws"));
}

#[test]
fn sap_name_alone_is_weak_and_an_installer_is_strong() {
    let mut ws =
        [vm("hana-db1", "/resources/0", None), vm("db", "/resources/1", Some("/hana/shared/install/hdblcm --batch"))];
    run(&mut ws, Format::Arm, &json!({"resources": []}));
    assert_eq!(ws[0].sap.as_ref().unwrap().strength, Strength::Weak);
    let sap = ws[1].sap.as_ref().unwrap();
    assert_eq!((sap.kind.as_str(), sap.strength), ("sap-hana", Strength::Strong));
}

#[test]
fn arm_subnets_resolve_through_variables_or_stay_unknown() {
    let doc = json!({
    "variables": {"subnetRef": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet1', 'db')]"},
    "resources": [
        {"type": "Microsoft.Compute/virtualMachines", "name": "vm1", "properties": {"networkProfile": {"networkInterfaces": [{"id": "[resourceId('Microsoft.Network/networkInterfaces', 'nic1')]"}]}}},
        {"type": "Microsoft.Network/networkInterfaces", "name": "nic1", "properties": {"ipConfigurations": [{"properties": {"subnet": {"id": "[variables('subnetRef')]"}}}]}},
        {"type": "Microsoft.Compute/virtualMachines", "name": "vm2", "properties": {"networkProfile": {"networkInterfaces": [{"id": "[resourceId('Microsoft.Network/networkInterfaces', 'nic2')]"}]}}},
        {"type": "Microsoft.Network/networkInterfaces", "name": "nic2", "properties": {"ipConfigurations": [{"properties": {"subnet": {"id": "[reference('x').subnetId]"}}}]}}
    ]});
    let mut ws = [vm("vm1", "/resources/0", None), vm("vm2", "/resources/2", None)];
    run(&mut ws, Format::Arm, &doc);
    let net = ws[0].network.as_ref().unwrap();
    assert_eq!(net.subnet.as_deref(), Some("vnet1/subnets/db"));
    assert_eq!(net.network.as_deref(), Some("vnet1"));
    assert!(ws[1].network.is_none());
}

#[test]
fn provisioning_roles_and_look_alike_actions_are_no_fencing() {
    let doc = |actions: Value| {
        json!({"Resources": {
            "Node": {"Type": "AWS::EC2::Instance", "Properties": {"IamInstanceProfile": {"Ref": "Profile"}}},
            "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "Role"}]}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{"PolicyDocument": {"Statement": [{"Action": actions}]}}]}}
        }})
    };
    let member = |actions: Value| {
        let mut two = [Workload { count: Some(2), ..vm("Node", "/Resources/Node", None) }];
        run(&mut two, Format::CloudFormation, &doc(actions));
        two[0].ha.as_ref().map(|h| h.fencing.clone())
    };
    assert_eq!(member(json!(["ec2:StopInstances", "ec2:StartInstances"])), Some(Some("fence_aws".into())));
    assert_eq!(member(json!(["ec2:ReplaceRoute", "ec2:DescribeRouteTables"])), Some(None));
    assert_eq!(member(json!(["ec2:ReplaceRouteTableAssociation", "ec2:DeleteRoute"])), None);
    assert_eq!(
        member(json!(["ec2:StopInstances", "ec2:StartInstances", "ec2:RunInstances", "ec2:TerminateInstances"])),
        None
    );
    assert_eq!(member(json!(["ec2:StopInstances"])), None, "stopping alone is a scheduler's right");
}

#[test]
fn a_document_past_the_bounds_is_not_linked_and_says_why() {
    let vms: Vec<Value> = (0..super::graph::MAX_NODES + 1)
        .map(|i| json!({"type": "Microsoft.Compute/virtualMachines", "name": format!("vm{i}")}))
        .collect();
    let mut ws = [vm("vm0", "/resources/0", None)];
    run(&mut ws, Format::Arm, &json!({"resources": vms}));
    assert!(ws[0].ha.is_none());
    assert!(ws[0].unknown["ha"].contains("at most 400 resources"), "{:?}", ws[0].unknown);
}
