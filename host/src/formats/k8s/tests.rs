//! Kubernetes front-end tests: the real corpus files and small manifests for each object kind,
//! read the way a run reads them (every input loaded, then the run-wide pass).

use std::path::Path;

use entitle_sdk::Workload;

use crate::classify::test_support::catalog;
use crate::formats::ReadOptions;
use crate::input::{LoadedInput, load_documents};

/// Reads `(path, text)` inputs as one run, with `platform` as `--platform`.
fn run(files: &[(&str, &str)], platform: Option<&str>) -> Vec<LoadedInput> {
    let options = ReadOptions { platform: platform.map(str::to_owned), ..ReadOptions::default() };
    let mut loaded: Vec<LoadedInput> = files
        .iter()
        .map(|(path, text)| {
            let docs = crate::document::parse_text(text).expect("parses");
            load_documents(path, Path::new(path), text, docs, true, catalog(), &options).expect("loads")
        })
        .collect();
    super::resolve_run(&mut loaded, catalog(), &options);
    loaded
}

fn corpus(rel: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real").join(rel);
    (rel.to_owned(), std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn one<'a>(loaded: &'a [LoadedInput], id: &str) -> &'a Workload {
    let all = || loaded.iter().flat_map(|l| l.workloads.iter());
    all().find(|w| w.id == id).unwrap_or_else(|| panic!("no {id} in {:?}", all().map(|w| &w.id).collect::<Vec<_>>()))
}

/// `vendor/product major.minor` with `?` for unknown parts.
fn os(w: &Workload) -> String {
    let t = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".into());
    let n = |v: Option<u32>| v.map_or("?".into(), |v| v.to_string());
    format!("{}/{} {}.{}", t(&w.os.vendor), t(&w.os.product), n(w.os.major), n(w.os.minor))
}

fn has_evidence(w: &Workload, text: &str) -> bool {
    w.evidence.iter().any(|e| e.contains(text))
}

#[test]
fn kubevirt_template_is_a_rhel_74_vm_known_by_its_label() {
    let (path, text) = corpus("kubernetes/kubevirt/vm-template-rhel7.yaml");
    let loaded = run(&[(&path, &text)], None);
    assert_eq!(loaded[0].workloads.len(), 1);
    let w = one(&loaded, "VirtualMachine/${NAME}");
    assert_eq!((w.kind.as_str(), os(w).as_str(), w.count), ("virtual_machine", "redhat/rhel 7.4", Some(1)));
    assert!(w.unknown["image"].contains("PersistentVolumeClaim linux-vm-pvc-${NAME}"), "{:?}", w.unknown);
    assert!(has_evidence(w, "OS from the label kubevirt.io/os = rhel-7.4 only (weaker evidence"), "{:?}", w.evidence);
    let at = &w.provenance["os.major"];
    assert_eq!((at.line, at.pointer.as_str()), (Some(29), "/objects/0/spec/template/metadata/labels/kubevirt.io~1os"));
    assert_eq!(w.cluster.as_ref().and_then(|c| c.platform.as_deref()), Some("openshift"));
}

#[test]
fn postgresql_template_resolves_its_blank_image_through_the_trigger() {
    let (path, text) = corpus("kubernetes/openshift-library/postgresql-persistent.template.json");
    let loaded = run(&[(&path, &text)], None);
    let w = one(&loaded, "Deployment/postgresql/containers/postgresql");
    assert_eq!((os(w).as_str(), w.count), ("redhat/rhel 8.?", Some(1)));
    assert_eq!(w.image.reference.as_deref(), Some("ImageStreamTag openshift/postgresql:15-el8"));
    assert!(has_evidence(w, "the written image is blank; the image.openshift.io/triggers annotation"));
    assert!(has_evidence(w, "tag 15-el8 matches `*-el{major}`: RHEL content (by its tag"), "{:?}", w.evidence);
    // The tag came from parameter POSTGRESQL_VERSION: the trail leads to its value.
    assert!(w.trail["os.major"].iter().any(|s| s.pointer.ends_with("/value")), "{:?}", w.trail);
}

#[test]
fn httpd_image_stream_gives_ubi_8_9_10_and_one_rhel_8_image() {
    let (path, text) = corpus("kubernetes/openshift-library/httpd-rhel.imagestream.json");
    let loaded = run(&[(&path, &text)], None);
    let got: Vec<String> = loaded[0].workloads.iter().map(|w| format!("{} {}", w.id, os(w))).collect();
    assert_eq!(
        got,
        [
            "ImageStream/httpd:2.4-ubi8 redhat/ubi 8.?",
            "ImageStream/httpd:2.4-ubi9 redhat/ubi 9.?",
            "ImageStream/httpd:2.4-ubi10 redhat/ubi 10.?",
            "ImageStream/httpd:2.4-el8 redhat/rhel 8.?",
            "ImageStream/httpd:latest redhat/ubi 10.?",
        ]
    );
    let latest = one(&loaded, "ImageStream/httpd:latest");
    assert_eq!(latest.image.reference.as_deref(), Some("registry.redhat.io/ubi10/httpd-24:latest"));
    assert!(has_evidence(latest, "repository path registry.redhat.io/ubi10 matches"), "{:?}", latest.evidence);
}

#[test]
fn an_image_stream_in_another_file_settles_the_trigger() {
    let (template_path, template) = corpus("kubernetes/openshift-library/postgresql-persistent.template.json");
    let stream = r#"{"kind": "ImageStream", "apiVersion": "image.openshift.io/v1",
        "metadata": {"name": "postgresql", "namespace": "openshift"},
        "spec": {"tags": [{"name": "15-el8", "from": {"kind": "DockerImage", "name": "registry.redhat.io/rhel8/postgresql-15:latest"}}]}}"#;
    let loaded = run(&[(&template_path, &template), ("streams/postgresql.json", stream)], None);
    let w = one(&loaded, "Deployment/postgresql/containers/postgresql");
    assert_eq!(w.image.reference.as_deref(), Some("registry.redhat.io/rhel8/postgresql-15:latest"));
    assert_eq!(os(w), "redhat/rhel 8.?");
    assert!(!has_evidence(w, "is not among the inputs"), "{:?}", w.evidence);
    assert!(has_evidence(w, "declared in streams/postgresql.json"), "{:?}", w.evidence);
    assert_eq!(w.provenance["os.major"].path, "streams/postgresql.json");
    assert_eq!(w.trail["os.major"][0].path, template_path);
    // Another namespace is another stream.
    let elsewhere = stream.replace("\"openshift\"", "\"other\"");
    let loaded = run(&[(&template_path, &template), ("streams/postgresql.json", &elsewhere)], None);
    let w = one(&loaded, "Deployment/postgresql/containers/postgresql");
    assert!(has_evidence(w, "is not among the inputs"), "{:?}", w.evidence);
}

#[test]
fn ubuntu_machine_with_rhel_keys_is_not_rhel() {
    let (path, text) = corpus("kubernetes/kubermatic-machine-controller/aws-machinedeployment.yaml");
    let loaded = run(&[(&path, &text)], None);
    assert_eq!(loaded[0].workloads.len(), 1, "the Secret is no workload");
    let w = one(&loaded, "MachineDeployment/aws-machinedeployment");
    assert_eq!((os(w).as_str(), w.provider.as_str(), w.count), ("canonical/ubuntu ?.?", "aws", Some(1)));
    assert_eq!(w.image.id.as_deref(), Some("my-custom-ami"));
    assert!(w.registration.is_empty());
    assert!(!w.is_rhel());
    assert!(has_evidence(w, "but the machine's OS is ubuntu, not RHEL"), "{:?}", w.evidence);
}

#[test]
fn placeholders_stay_unknown_and_register_nothing() {
    let (path, text) = corpus("kubernetes/kubermatic-machine-controller/machinedeployment-azure-redhat-satellite.yaml");
    let loaded = run(&[(&path, &text)], None);
    let w = one(&loaded, "MachineDeployment/<< MACHINE_NAME >>");
    assert!(w.unknown["os.product"].contains("placeholder `<< OS_NAME >>`"));
    assert!(w.unknown["image"].contains("placeholder `<< IMAGE_ID >>`"));
    assert!(w.registration.is_empty());
}

#[test]
fn a_rhel_machine_registers_with_secrets_redacted() {
    let text = r#"
apiVersion: cluster.k8s.io/v1alpha1
kind: MachineDeployment
metadata: {name: rhel-workers}
spec:
  replicas: 3
  template:
    spec:
      providerSpec:
        value:
          cloudProvider: azure
          cloudProviderSpec: {imageID: ""}
          operatingSystem: rhel
          operatingSystemSpec:
            rhelSubscriptionManagerUser: "ops@example.com"
            rhelSubscriptionManagerPassword: "s3cret"
            rhelUseSatelliteServer: true
            rhelSatelliteServer: "sat.example.com"
            rhelActivationKey: ""
            rhsmOfflineToken: "offline-secret"
"#;
    let loaded = run(&[("md.yaml", text)], None);
    let w = one(&loaded, "MachineDeployment/rhel-workers");
    assert_eq!((os(w).as_str(), w.count), ("redhat/rhel ?.?", Some(3)));
    let regs: Vec<(String, String)> = w.registration.iter().map(|r| (r.action.clone(), r.text.clone())).collect();
    assert_eq!(
        regs,
        [
            ("register".into(), "rhelSubscriptionManagerUser: ops@example.com".into()),
            ("register".into(), "rhelSubscriptionManagerPassword: <redacted>".into()),
            ("satellite".into(), "rhelSatelliteServer: sat.example.com".into()),
            ("satellite".into(), "rhelUseSatelliteServer: true".into()),
        ]
    );
    assert_eq!(w.registration[1].source.line, Some(16));
    assert!(!regs.iter().any(|(_, t)| t.contains("s3cret") || t.contains("offline")));
    assert!(has_evidence(w, "removes the machine's RHSM subscriptions when the machine is deleted"));
}

#[test]
fn controllers_lists_and_counts() {
    let text = r#"---
kind: List
apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    replicas: 4
    template:
      spec:
        initContainers: [{name: init, image: "registry.access.redhat.com/ubi9/ubi-minimal:9.4"}]
        containers:
        - &app {name: app, image: "registry.redhat.io/rhel9/nginx-124@sha256:abcd"}
        - {<<: *app, name: sidecar, image: "nginx:1.25"}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: agent}
  spec: {template: {spec: {containers: [{name: a, image: "quay.io/org/agent:2-el8"}]}}}
- apiVersion: batch/v1
  kind: CronJob
  metadata: {name: nightly}
  spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: j, image: "registry.access.redhat.com/rhel7"}]}}}}}
- apiVersion: v1
  kind: Service
  metadata: {name: web}
---
apiVersion: v1
kind: Pod
metadata: {name: debug}
spec: {ephemeralContainers: [{name: dbg, image: "${IMAGE}"}], containers: []}
"#;
    let loaded = run(&[("app.yaml", text)], Some("aks"));
    let w = one(&loaded, "Deployment/web/initContainers/init");
    assert_eq!((os(w).as_str(), w.count), ("redhat/ubi 9.?", Some(4)));
    assert_eq!(w.provenance["count"].line, Some(9));
    let w = one(&loaded, "Deployment/web/containers/app");
    assert_eq!((os(w).as_str(), w.image.id.as_deref()), ("redhat/rhel 9.?", Some("sha256:abcd")));
    let w = one(&loaded, "Deployment/web/containers/sidecar");
    assert_eq!(os(w), "?/? ?.?");
    assert!(has_evidence(w, "names no registry: it is pulled from docker.io"));
    let w = one(&loaded, "DaemonSet/agent/containers/a");
    assert_eq!((os(w).as_str(), w.count), ("redhat/rhel 8.?", None));
    assert!(w.unknown["count"].contains("one pod on every matching node"));
    let w = one(&loaded, "CronJob/nightly/containers/j");
    assert_eq!((os(w).as_str(), w.count), ("redhat/rhel 7.?", Some(1)));
    let w = one(&loaded, "Pod/debug/ephemeralContainers/dbg");
    assert!(w.unknown["image"].contains("names no parameter"), "{:?}", w.unknown);
    assert_eq!(w.source.line, Some(28), "the second document keeps its own lines");
    let cluster = w.cluster.clone().unwrap();
    assert_eq!(cluster.platform.as_deref(), Some("aks"));
    assert!(has_evidence(w, "stated with --platform"));
    assert_eq!(loaded[0].workloads.len(), 6);
}

#[test]
fn deployment_config_trigger_build_config_and_network() {
    let text = r#"
apiVersion: v1
kind: List
items:
- apiVersion: apps.openshift.io/v1
  kind: DeploymentConfig
  metadata: {name: api, namespace: shop}
  spec:
    replicas: 2
    template: {spec: {containers: [{name: api, image: "old:1"}]}}
    triggers:
    - type: ImageChange
      imageChangeParams:
        containerNames: [api]
        from: {kind: ImageStreamTag, name: "python:3.11-ubi9"}
- apiVersion: build.openshift.io/v1
  kind: BuildConfig
  metadata: {name: api}
  spec: {strategy: {sourceStrategy: {from: {kind: DockerImage, name: "registry.redhat.io/rhel8/python-39"}}}}
- apiVersion: operator.openshift.io/v1
  kind: Network
  metadata: {name: cluster}
  spec:
    defaultNetwork:
      type: OVNKubernetes
      ovnKubernetesConfig:
        hybridOverlayConfig: {hybridClusterNetwork: [{cidr: 10.132.0.0/14, hostPrefix: 23}]}
"#;
    let loaded = run(&[("dc.yaml", text)], None);
    let w = one(&loaded, "DeploymentConfig/api/containers/api");
    assert_eq!((os(w).as_str(), w.count), ("redhat/ubi 9.?", Some(2)));
    assert!(has_evidence(w, "the written image is `old:1`; the DeploymentConfig's ImageChange trigger"));
    assert_eq!(w.image.reference.as_deref(), Some("ImageStreamTag shop/python:3.11-ubi9"));
    let b = one(&loaded, "BuildConfig/api/sourceStrategy");
    assert_eq!((b.kind.as_str(), os(b).as_str()), ("build", "redhat/rhel 8.?"));
    let cluster = w.cluster.clone().unwrap();
    assert_eq!(cluster.platform.as_deref(), Some("openshift"));
    assert_eq!(cluster.network_type.as_deref(), Some("OVNKubernetes"));
    assert_eq!(cluster.hybrid_overlay, Some(true));
    assert_eq!(w.provenance["cluster.network_type"].line, Some(25));
}

#[test]
fn plain_kubernetes_has_no_platform_unless_told() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n";
    let loaded = run(&[("p.yaml", text)], None);
    let w = one(&loaded, "Pod/p/containers/c");
    assert!(w.cluster.as_ref().is_some_and(|c| c.platform.is_none()));
    assert!(w.unknown["cluster.platform"].contains("no --platform"));
}

#[test]
fn kubevirt_disks_and_declared_os() {
    let text = r#"
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: vm
  annotations: {vm.kubevirt.io/os: rhel8}
spec:
  preference: {name: rhel.9}
  dataVolumeTemplates:
  - metadata: {name: root}
    spec: {sourceRef: {kind: DataSource, name: rhel9}}
  template:
    spec:
      domain: {devices: {disks: [{name: cloud, disk: {}}, {name: rootdisk, bootOrder: 1, disk: {}}]}}
      volumes:
      - {name: cloud, cloudInitNoCloud: {}}
      - {name: rootdisk, dataVolume: {name: root}}
---
apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata: {name: vmi, labels: {os.template.kubevirt.io/centos-stream9: "true"}}
spec:
  domain: {devices: {disks: [{name: d}]}}
  volumes: [{name: d, containerDisk: {image: "registry.redhat.io/rhel9/rhel-guest-image:9.4"}}]
---
apiVersion: kubevirt.io/v1
kind: VirtualMachineInstance
metadata: {name: debian, labels: {os.template.kubevirt.io/debian11: "true"}}
spec:
  domain: {devices: {disks: [{name: d}]}}
  volumes: [{name: d, containerDisk: {image: "quay.io/containerdisks/debian:11"}}]
"#;
    let loaded = run(&[("vms.yaml", text)], None);
    let vm = one(&loaded, "VirtualMachine/vm");
    // The DataSource name gives RHEL 9 before the preference and annotation are consulted.
    assert_eq!(os(vm), "redhat/rhel 9.?");
    assert!(vm.unknown["image"].contains("cloned from DataSource rhel9"));
    let vmi = one(&loaded, "VirtualMachineInstance/vmi");
    assert_eq!(os(vmi), "redhat/rhel 9.?");
    assert!(has_evidence(vmi, "repository path registry.redhat.io/rhel9 matches"));
    let debian = one(&loaded, "VirtualMachineInstance/debian");
    assert_eq!(os(debian), "debian/debian 11.?");
    assert!(has_evidence(debian, "OS from the label os.template.kubevirt.io/debian11 only (weaker evidence"));
}

#[test]
fn machine_sets_on_each_cloud() {
    let text = r#"
apiVersion: machine.openshift.io/v1beta1
kind: MachineSet
metadata: {name: azure-workers}
spec:
  replicas: 2
  template:
    spec:
      providerSpec:
        value:
          kind: AzureMachineProviderSpec
          image: {publisher: RedHat, offer: RHEL, sku: "8-lvm-gen2", version: latest, type: MarketplaceNoPlan}
---
apiVersion: machine.openshift.io/v1beta1
kind: MachineSet
metadata: {name: gcp-workers}
spec:
  template:
    spec:
      providerSpec:
        value:
          kind: GCPMachineProviderSpec
          disks: [{boot: true, image: "projects/rhel-cloud/global/images/family/rhel-9"}]
---
apiVersion: infrastructure.cluster.x-k8s.io/v1beta1
kind: AWSMachineTemplate
metadata: {name: aws}
spec: {template: {spec: {ami: {id: ami-0123456789abcdef0}}}}
"#;
    let loaded = run(&[("machines.yaml", text)], None);
    let azure = one(&loaded, "MachineSet/azure-workers");
    assert_eq!((azure.provider.as_str(), os(azure).as_str(), azure.count), ("azure", "redhat/rhel 8.?", Some(2)));
    let gcp = one(&loaded, "MachineSet/gcp-workers");
    assert_eq!((gcp.provider.as_str(), os(gcp).as_str()), ("gcp", "redhat/rhel 9.?"));
    assert_eq!(gcp.billing.model, entitle_sdk::model::BillingModel::Payg);
    let aws = one(&loaded, "AWSMachineTemplate/aws");
    assert_eq!(
        (aws.kind.as_str(), aws.image.id.as_deref(), aws.count),
        ("machine_template", Some("ami-0123456789abcdef0"), None)
    );
    assert!(aws.unknown["os.product"].contains("is an id"));
}

#[test]
fn a_malformed_trigger_annotation_is_said_so() {
    let text = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d",
        "annotations": {"image.openshift.io/triggers": "[{not json"}},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": " "}]}}}}"#;
    let loaded = run(&[("d.json", text)], None);
    let w = one(&loaded, "Deployment/d/containers/c");
    assert!(has_evidence(w, "annotation is not a JSON list of triggers"), "{:?}", w.evidence);
    assert!(w.unknown["image"].contains("blank and no image trigger sets it"));
}

#[test]
fn an_install_config_is_read_for_its_network_and_nothing_else_without_a_kind_is() {
    use super::objects::is_install_config;
    let config = serde_json::json!({"apiVersion": "v1", "baseDomain": "example.com",
        "networking": {"networkType": "OVNKubernetes"}, "platform": {"aws": {"region": "eu-west-1"}}});
    assert!(is_install_config(&config));
    for not in [
        serde_json::json!({"apiVersion": "v1", "baseDomain": "example.com"}),
        serde_json::json!({"apiVersion": "v2", "baseDomain": "example.com", "platform": {}}),
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "baseDomain": "example.com", "platform": {}}),
        serde_json::json!({"apiVersion": "v1", "baseDomain": 3, "networking": {}}),
    ] {
        assert!(!is_install_config(&not), "{not}");
    }
}

/// A chain of image stream tag aliases is followed through at most `MAX_HOPS` tags: the tags further up say their
/// image is not known, and a chain of any length costs linear work (2,000 tags took 24 s and 4.9 GB when every tag
/// was followed to the end).
#[test]
fn an_alias_chain_is_followed_through_at_most_thirty_two_tags() {
    let chain = |n: usize| -> String {
        (0..n)
            .map(|i| {
                let from = match i + 1 < n {
                    true => format!("kind: ImageStreamTag\n      name: s{}:latest", i + 1),
                    false => "kind: DockerImage\n      name: registry.redhat.io/ubi9/ubi:9.4".to_owned(),
                };
                format!("---\napiVersion: image.openshift.io/v1\nkind: ImageStream\nmetadata:\n  name: s{i}\nspec:\n  tags:\n  - name: latest\n    from:\n      {from}\n")
            })
            .collect()
    };
    let text = chain(40);
    let loaded = run(&[("chain.yaml", &text)], None);
    // 39 aliases: the 32 nearest the image are followed, the 7 further up are not.
    let followed = one(&loaded, "ImageStream/s7:latest");
    assert_eq!(followed.image.reference.as_deref(), Some("registry.redhat.io/ubi9/ubi:9.4"), "{:?}", followed.evidence);
    assert!(!followed.unknown.contains_key("image"));
    let cut = one(&loaded, "ImageStream/s6:latest");
    assert!(cut.unknown["image"].contains("more than 32 tags down a chain of aliases"), "{:?}", cut.unknown);
    assert!(one(&loaded, "ImageStream/s0:latest").unknown.contains_key("image"));
    // A long chain: each tag's account stays as short as the followed part's.
    let text = chain(2_000);
    let loaded = run(&[("long.yaml", &text)], None);
    let longest = loaded[0].workloads.iter().map(|w| w.evidence.len()).max().unwrap();
    assert!(longest <= 2 * 32 + 8, "{longest} evidence lines");
}
