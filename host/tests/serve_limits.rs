//! The limits of `entitle serve`, against the real server on a loopback port: bad
//! requests get a 4xx saying why and the server keeps serving; a 100 MB body is refused
//! with 413 without being held in memory; the evaluation bound answers 503 with
//! `Retry-After`; the request deadline answers 504; SIGTERM lets a request in flight
//! finish; and HTTPS works with a self-signed certificate.

mod serve_support;

use std::io::Write;
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use serve_support::{Server, repo, scratch, vm_review};

#[test]
fn bad_requests_get_a_4xx_saying_why_and_the_server_keeps_serving() {
    let server = Server::start(&["--max-files", "2"]);
    let good = json!({"files": [{"name": "a.json", "content": "{}"}]}).to_string();
    let cases: [(&str, &str, String, &str, u16, &str); 9] = [
        ("POST", "/v1/check", "{\"files\": [".into(), "Content-Type: application/json\r\n", 400, "not a valid check request"),
        ("POST", "/v1/check", good.clone(), "Content-Type: text/plain\r\n", 415, "must be JSON"),
        ("POST", "/v1/check", good.clone(), "", 415, "content type is none"),
        ("POST", "/v1/admission", good.clone(), "Content-Type: application/yaml\r\n", 415, "must be JSON"),
        ("POST", "/v1/check", "{\"files\": [], \"fiels\": 1}".into(), "Content-Type: application/json\r\n", 400, "unknown field `fiels`"),
        ("POST", "/v1/check", good.clone(), "Content-Type: application/json\r\nAccept: text/html\r\n", 406, "Accept"),
        ("POST", "/nowhere", good.clone(), "Content-Type: application/json\r\n", 404, "no endpoint /nowhere"),
        (
            "POST",
            "/v1/check",
            json!({"files": [{"name": "a", "content": ""}, {"name": "b", "content": ""}, {"name": "c", "content": ""}]}).to_string(),
            "Content-Type: application/json\r\n",
            400,
            "3 files uploaded; the limit is 2",
        ),
        ("POST", "/v1/check", json!({"files": [], "fail_on": "sometimes"}).to_string(), "Content-Type: application/json\r\n", 400, "`files` is empty"),
    ];
    for (method, path, body, headers, status, says) in cases {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
            body.len()
        );
        let reply = serve_support::send(server.addr, &head, body.as_bytes());
        assert_eq!(reply.status, status, "{path} {headers}: {}", reply.body);
        let message = reply.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(says), "{says}: {message}");
    }
    assert_eq!(server.get("/v1/check").status, 405);
    let reply =
        server.post_json("/v1/check", &json!({"files": [{"name": "a.json", "content": "{}"}], "fail_on": "sometimes"}));
    assert!(reply.body.contains("use error, warning, info or never"), "{}", reply.body);
    assert_eq!(server.post_json("/v1/admission", &vm_review("u", "rhel-9.4")).json()["response"]["allowed"], true);
}

#[test]
fn a_100_mb_body_is_refused_with_413_without_being_buffered() {
    let server = Server::start(&["--max-body", "1"]);
    let before = server.peak_rss_kib();
    // Declared: refused from the header, nothing read.
    let head = "POST /v1/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n";
    let reply = serve_support::send(server.addr, head, b"");
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert!(reply.json()["error"]["message"].as_str().unwrap().contains("larger than the limit of 1048576 bytes"));
    // Streamed (chunked, no length): refused once past the limit, long before 100 MB.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = "POST /v1/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let chunk = [b' '; 64 * 1024];
        let mut sent = 0usize;
        while sent < 100 << 20 {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
            if writer.write_all(&framed).is_err() {
                break;
            }
            sent += chunk.len();
        }
        sent
    });
    let reply = serve_support::read_reply(&mut stream);
    assert_eq!(reply.status, 413, "{}", reply.body);
    drop(stream);
    let sent = sender.join().unwrap();
    assert!(sent < 100 << 20, "the whole body was taken in ({sent} bytes)");
    let grown = server.peak_rss_kib().saturating_sub(before);
    assert!(grown < 32 * 1024, "peak memory grew by {grown} KiB for a refused body");
    assert_eq!(server.get("/healthz").status, 200);
}

/// A server whose one policy spins until its 2 s time limit.
fn slow_server(extra: &[&str]) -> Server {
    let policy = repo().join("tests/fixtures/hostile/endless-loop.wat");
    let mut args = vec!["--no-builtin", "--policy", policy.to_str().unwrap(), "--policy-timeout", "2s"];
    args.extend_from_slice(extra);
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn vm_upload() -> serde_json::Value {
    let vm = "apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: a\n  labels: {kubevirt.io/os: rhel-9.4}\nspec: {}\n";
    json!({"files": [{"name": "vm.yaml", "content": vm}]})
}

/// Waits until the server reports `n` evaluations in flight.
fn wait_in_flight(server: &Server, n: u32) {
    let started = Instant::now();
    let want = format!("entitle_evaluations_in_flight {n}");
    while !server.get("/metrics").body.lines().any(|l| l == want) {
        assert!(started.elapsed() < Duration::from_secs(60), "never {want}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Posts a VM upload from a thread.
fn post_in_background(addr: std::net::SocketAddr) -> std::thread::JoinHandle<serve_support::Reply> {
    std::thread::spawn(move || {
        let body = vm_upload().to_string();
        let head = format!(
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        serve_support::send(addr, &head, body.as_bytes())
    })
}

/// Waits until `/metrics` has `line`.
fn wait_metric(server: &Server, line: &str) {
    let started = Instant::now();
    while !server.get("/metrics").body.lines().any(|l| l == line) {
        assert!(started.elapsed() < Duration::from_secs(60), "never {line}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn past_the_evaluation_bound_requests_queue_then_get_503_with_retry_after() {
    let server = slow_server(&["--max-concurrent", "1", "--max-queued", "1"]);
    let first = post_in_background(server.addr);
    wait_in_flight(&server, 1);
    // The second waits for the slot; the third finds the queue full.
    let second = post_in_background(server.addr);
    wait_metric(&server, "entitle_requests_queued 1");
    let busy = server.post_json("/v1/check", &vm_upload());
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.header("retry-after").as_deref(), Some("1"));
    let message = busy.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.starts_with("busy: all 1 evaluation slots are in use and 1 requests are waiting"), "{message}");
    // Both accepted requests are answered: their policy hit its time limit, an error of the run (exit 2).
    for done in [first.join().unwrap(), second.join().unwrap()] {
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.header("entitle-exit-code").as_deref(), Some("2"));
        assert!(done.json()["errors"][0]["message"].as_str().unwrap().contains("time limit"), "{}", done.body);
    }
    wait_metric(&server, "entitle_evaluations_in_flight 0");
    // With no queue, the second request is refused at once.
    drop(server);
    let server = slow_server(&["--max-concurrent", "1", "--max-queued", "0"]);
    let first = post_in_background(server.addr);
    wait_in_flight(&server, 1);
    assert_eq!(server.post_json("/v1/check", &vm_upload()).status, 503);
    assert_eq!(first.join().unwrap().status, 200);
    assert!(server.get("/metrics").body.lines().any(|l| l == "entitle_refused_busy_total 1"));
}

#[test]
fn a_request_past_its_deadline_gets_504() {
    let server = slow_server(&["--request-timeout", "500ms"]);
    let reply = server.post_json("/v1/check", &vm_upload());
    assert_eq!(reply.status, 504, "{}", reply.body);
    assert!(reply.json()["error"]["message"].as_str().unwrap().contains("request limit of 500ms"));
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_stops() {
    let mut server = slow_server(&[]);
    let first = post_in_background(server.addr);
    let addr = server.addr;
    wait_in_flight(&server, 1);
    let killed = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let done = first.join().unwrap();
    assert_eq!(done.status, 200, "the request in flight was cut: {}", done.body);
    assert!(done.body.contains("time limit"), "{}", done.body);
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(TcpStream::connect(addr).is_err(), "still listening after SIGTERM");
}

#[test]
fn https_with_a_self_signed_certificate() {
    let dir = scratch("tls");
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let rcgen::CertifiedKey { cert, signing_key } = rcgen::generate_simple_self_signed(names).unwrap();
    std::fs::write(dir.join("tls.crt"), cert.pem()).unwrap();
    std::fs::write(dir.join("tls.key"), signing_key.serialize_pem()).unwrap();
    let (crt, key) = (dir.join("tls.crt"), dir.join("tls.key"));
    // Flags from the environment, as in a container.
    let server =
        serve_support::Server::start_tls(&[("ENTITLE_TLS_CERT", &crt), ("ENTITLE_TLS_KEY", &key)], cert.der().to_vec());
    let review = vm_review("tls-7", "rhel-7.4").to_string();
    let reply = server.post("/v1/admission", review.as_bytes(), "Content-Type: application/json\r\n");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["response"]["allowed"], false);
    assert_eq!(server.post_json("/v1/admission", &vm_review("tls-9", "rhel-9.4")).json()["response"]["allowed"], true);
    // Plain HTTP to the TLS port gets no HTTP answer, and the server goes on.
    let mut plain = TcpStream::connect(server.addr).unwrap();
    plain.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    plain.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = std::io::Read::read_to_end(&mut plain, &mut raw);
    assert!(!raw.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&raw));
    assert_eq!(server.get("/healthz").status, 200);
}

#[test]
fn a_policy_that_does_not_load_or_a_bad_certificate_stops_the_server_saying_why() {
    let missing = std::env::temp_dir().join("entitle-serve-no-such-policy.wasm");
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["serve", "--listen", "127.0.0.1:0", "--policy"])
        .arg(&missing)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("policies could not be loaded, so nothing can be checked; "), "{stderr}");
    assert!(stderr.contains("entitle-serve-no-such-policy.wasm: does not exist"), "{stderr}");
    // A certificate that is not PEM: refused before anything listens.
    let dir = scratch("bad-cert");
    std::fs::write(dir.join("cert.pem"), "not a certificate").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("cert.pem"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds no PEM certificate"), "{stderr}");
    assert!(!stderr.contains("serving on"), "{stderr}");
}
