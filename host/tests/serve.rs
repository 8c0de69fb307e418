//! `entitle serve` driven over loopback: `/v1/check` gives what `entitle check` gives,
//! the admission webhook denies RHEL 7 and allows RHEL 9, the probes and metrics answer,
//! and uploads can read nothing outside themselves.

mod serve_support;

use std::process::Command;

use serde_json::json;
use serve_support::{Server, repo, scratch, upload_dir, vm_review};

#[test]
fn check_gives_the_report_of_entitle_check_on_the_same_files() {
    let server = Server::start(&[]);
    let dir = repo().join("tests/arm/map-lookup-params-file");
    for (accept, format) in [("application/json", "json"), ("application/sarif+json", "sarif")] {
        let reply = server.post(
            "/v1/check",
            upload_dir(&dir).to_string().as_bytes(),
            &format!("Content-Type: application/json\r\nAccept: {accept}\r\n"),
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.header("content-type").as_deref(), Some(accept));
        let cli = Command::new(env!("CARGO_BIN_EXE_entitle"))
            .args(["check", "--root", ".", ".", "--as-of", "2026-11-25", "--format", format])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(reply.header("entitle-exit-code"), Some(cli.status.code().unwrap().to_string()));
        assert_eq!(reply.body, String::from_utf8(cli.stdout).unwrap(), "{format}");
    }
    // The finding, its parameter trail and its file are named as uploaded.
    let report = server.post_json("/v1/check", &upload_dir(&dir)).json();
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "RHEL-LC-MAJOR-EOL");
    assert_eq!(finding["location"]["path"], "azuredeploy.json");
    assert_eq!(report["inputs"][0]["path"], "azuredeploy.json");
    assert!(!reply_mentions_tmp(&report.to_string()));
}

fn reply_mentions_tmp(text: &str) -> bool {
    text.contains("entitle-request-") || text.contains(&std::env::temp_dir().display().to_string())
}

#[test]
fn check_options_fail_on_rules_and_named_paths_work_as_in_the_cli() {
    let server = Server::start(&[]);
    let mut body = upload_dir(&repo().join("tests/arm/map-lookup-params-file"));
    body["fail_on"] = json!("warning");
    let reply = server.post_json("/v1/check", &body);
    assert_eq!(reply.header("entitle-exit-code").as_deref(), Some("1"), "a warning fails at --fail-on warning");
    body["skip_rules"] = json!(["RHEL-LC-MAJOR-EOL"]);
    let reply = server.post_json("/v1/check", &body);
    assert_eq!(reply.header("entitle-exit-code").as_deref(), Some("0"));
    assert_eq!(reply.json()["findings"], json!([]));
    // A path that was not uploaded is a read error of that name (exit 2), as in the CLI.
    let body = json!({"files": [{"name": "a.json", "content": "{}"}], "paths": ["missing.json"]});
    let reply = server.post_json("/v1/check", &body);
    assert_eq!(reply.header("entitle-exit-code").as_deref(), Some("2"));
    let error = &reply.json()["errors"][0];
    assert_eq!((error["path"].as_str(), error["phase"].as_str()), (Some("missing.json"), Some("read")), "{error}");
    assert!(!reply_mentions_tmp(&reply.body), "{}", reply.body);
}

#[test]
fn waivers_uploaded_at_the_root_apply_as_in_the_cli() {
    let server = Server::start(&[]);
    let mut body = upload_dir(&repo().join("tests/arm/map-lookup-params-file"));
    let waiver = "[[waiver]]\nrule = \"RHEL-LC-MAJOR-EOL\"\npath = \"azuredeploy.json\"\nreason = \"migrating\"\nowner = \"ops\"\nexpires = \"2027-06-30\"\n";
    body["files"].as_array_mut().unwrap().push(json!({"name": ".entitle-waivers.toml", "content": waiver}));
    let reply = server.post_json("/v1/check", &body);
    let report = reply.json();
    assert_eq!(report["errors"], json!([]), "{}", reply.body);
    assert_eq!(report["findings"][0]["suppression"]["kind"], "waiver", "{}", reply.body);
}

#[test]
fn admission_denies_a_rhel_7_vm_with_rule_field_and_fix_and_allows_rhel_9() {
    let server = Server::start(&["--platform", "openshift"]);
    let reply = server.post_json("/v1/admission", &vm_review("uid-7", "rhel-7.4"));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let review = reply.json();
    assert_eq!(review["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(review["kind"], "AdmissionReview");
    let response = &review["response"];
    assert_eq!(response["uid"], "uid-7");
    assert_eq!(response["allowed"], false, "{response}");
    let message = response["status"]["message"].as_str().unwrap();
    assert!(message.contains("RHEL-LC-MAJOR-EOL"), "{message}");
    assert!(message.contains("/metadata/labels/kubevirt.io~1os"), "the field: {message}");
    assert!(message.contains("fix: "), "{message}");
    assert_eq!(response["status"]["code"], 403);

    let reply = server.post_json("/v1/admission", &vm_review("uid-9", "rhel-9.4"));
    let response = &reply.json()["response"];
    assert_eq!((response["uid"].as_str(), response["allowed"].as_bool()), (Some("uid-9"), Some(true)), "{response}");
    assert!(response.get("status").is_none(), "{response}");

    // A deletion carries no new object: allowed without a check.
    let mut delete = vm_review("uid-d", "rhel-7.4");
    delete["request"]["operation"] = json!("DELETE");
    delete["request"]["object"] = json!(null);
    assert_eq!(server.post_json("/v1/admission", &delete).json()["response"]["allowed"], true);
}

#[test]
fn admission_threshold_turns_denials_into_warnings_and_failures_follow_the_failure_policy() {
    let server = Server::start(&["--deny-on", "never", "--failure-policy", "ignore"]);
    let response = server.post_json("/v1/admission", &vm_review("u", "rhel-7.4")).json()["response"].clone();
    assert_eq!(response["allowed"], true, "{response}");
    let warnings = response["warnings"].as_array().unwrap();
    assert!(warnings[0].as_str().unwrap().starts_with("RHEL-LC-MAJOR-EOL (error)"), "{response}");
    assert!(warnings.iter().all(|w| w.as_str().unwrap().chars().count() <= 256));

    // An object the front-end finds no workload in was not checked: allowed with the reason
    // under --failure-policy ignore, denied saying why under fail (the default).
    let empty = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}});
    let review = serve_support::review("u2", "", "Pod", empty);
    let response = server.post_json("/v1/admission", &review).json()["response"].clone();
    assert_eq!(response["allowed"], true, "{response}");
    assert!(response["warnings"][0].as_str().unwrap().contains("could not check this object"), "{response}");
    let strict = Server::start(&[]);
    let response = strict.post_json("/v1/admission", &review).json()["response"].clone();
    assert_eq!(response["allowed"], false, "{response}");
    let message = response["status"]["message"].as_str().unwrap();
    assert!(message.contains("could not check this object: entitle found no workload"), "{message}");
}

#[test]
fn admission_refuses_reviews_it_cannot_answer_and_keeps_serving() {
    let server = Server::start(&[]);
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "image": "ubi9"}]}});
    let cases = [
        (
            serve_support::review("u", "", "ConfigMap", json!({"apiVersion": "v1", "kind": "ConfigMap"})),
            "does not check ConfigMap objects",
        ),
        (
            serve_support::review("u", "kubevirt.io", "VirtualMachine", pod.clone()),
            "but the review is for VirtualMachine",
        ),
        (
            json!({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview", "request": {}}),
            "expected an admission.k8s.io/v1 AdmissionReview",
        ),
        (json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}), "has no `request`"),
        (serve_support::review("u", "", "Pod", json!("text")), "is not an object"),
    ];
    for (body, says) in cases {
        let reply = server.post_json("/v1/admission", &body);
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert!(reply.json()["error"]["message"].as_str().unwrap().contains(says), "{says}: {}", reply.body);
    }
    let reply = server.post_json("/v1/admission", &serve_support::review("ok", "", "Pod", pod));
    assert_eq!(reply.json()["response"]["allowed"], true, "still serving: {}", reply.body);
}

#[test]
fn probes_and_metrics_answer() {
    let server = Server::start(&[]);
    assert_eq!(server.get("/healthz").status, 200);
    assert_eq!(server.get("/readyz").status, 200);
    server.post_json("/v1/admission", &vm_review("u", "rhel-7.4"));
    server.post_json("/v1/check", &json!({"files": []}));
    let metrics = server.get("/metrics");
    assert_eq!(metrics.status, 200);
    for line in [
        "entitle_requests_total{endpoint=\"/v1/admission\",status=\"200\"} 1",
        "entitle_requests_total{endpoint=\"/v1/check\",status=\"400\"} 1",
        "entitle_findings_total{rule=\"RHEL-LC-MAJOR-EOL\",severity=\"error\"} 1",
        "entitle_evaluation_seconds_count 1",
        "entitle_evaluations_in_flight 0",
        "entitle_request_seconds_count{endpoint=\"/v1/admission\"} 1",
    ] {
        assert!(metrics.body.lines().any(|l| l == line), "{line} missing from\n{}", metrics.body);
    }
    assert!(metrics.body.contains("# TYPE entitle_refused_busy counter"));
    // A check error is counted by phase.
    server.post_json("/v1/check", &json!({"files": [{"name": "a.json", "content": "{"}]}));
    let metrics = server.get("/metrics").body;
    assert!(metrics.lines().any(|l| l == "entitle_check_errors_total{phase=\"parse\",policy=\"\"} 1"), "{metrics}");
}

#[test]
fn uploads_cannot_read_the_servers_files() {
    // The server's temporary directory holds a file the request must never see.
    let tmp = scratch("confined");
    let secret = json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "resources": [], "outputs": {"SERVER-SECRET": {"type": "string", "value": "x"}}});
    std::fs::write(tmp.join("secret.json"), secret.to_string()).unwrap();
    let server = Server::start_with(&[], &[("TMPDIR", &tmp)]);
    let links = ["../secret.json", "../../secret.json", "/etc/passwd", "/proc/self/environ", "/dev/zero"];
    let resources: Vec<_> = links
        .iter()
        .enumerate()
        .map(|(i, link)| {
            json!({"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
            "name": format!("l{i}"), "properties": {"mode": "Incremental", "templateLink": {"relativePath": link}}})
        })
        .collect();
    let template = json!({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0", "resources": resources});
    let body = json!({"files": [{"name": "main.json", "content": template.to_string()}], "context": "main.json"});
    let reply = server.post_json("/v1/check", &body);
    assert_eq!(reply.status, 200, "{}", reply.body);
    for leaked in ["SERVER-SECRET", "root:x:0", "PATH="] {
        assert!(!reply.body.contains(leaked), "{leaked} leaked: {}", reply.body);
    }
    assert!(!reply.body.contains(&tmp.display().to_string()), "the server's directory is named: {}", reply.body);
    // Names that leave the upload are refused before anything is written.
    for name in ["../x.json", "a/../../x.json", "/etc/passwd", "", "a//b.json", "./a.json"] {
        let body = json!({"files": [{"name": name, "content": "{}"}]});
        let reply = server.post_json("/v1/check", &body);
        assert_eq!(reply.status, 400, "{name}: {}", reply.body);
        assert!(reply.json()["error"]["message"].as_str().unwrap().contains("file name"), "{}", reply.body);
        assert!(!std::path::Path::new(&tmp.join("x.json")).exists());
    }
    for (field, value) in [
        ("paths", json!(["../secret.json"])),
        ("params", json!("../secret.json")),
        ("context", json!("../secret.json")),
    ] {
        let mut body = json!({"files": [{"name": "a.json", "content": "{}"}]});
        body[field] = value;
        let reply = server.post_json("/v1/check", &body);
        assert_eq!(reply.status, 400, "{field}: {}", reply.body);
        assert!(!reply.body.contains("SERVER-SECRET"));
    }
    assert_eq!(server.get("/healthz").status, 200, "still serving");
    // Each request's directory is gone once it is answered.
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("secret.json")]);
}
