//! Starting the real `entitle serve` on a loopback port for a test, and a small
//! HTTP/1.1 client over a plain `TcpStream` (so odd requests can be sent as written).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// The repository's top.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-serve-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running server, killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    /// What it wrote on stderr after the address line.
    pub stderr: mpsc::Receiver<String>,
    /// The client configuration, when it serves HTTPS.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

impl Server {
    /// `entitle serve --listen 127.0.0.1:0 --as-of 2026-11-25 ARGS`, waited for until ready.
    pub fn start(args: &[&str]) -> Server {
        Server::start_with(args, &[])
    }

    /// As [`Server::start`], with environment variables.
    pub fn start_with(args: &[&str], env: &[(&str, &Path)]) -> Server {
        Server::spawn(args, env, None)
    }

    /// A server with a TLS certificate (from `env`), trusted by its client as `trusted` (DER).
    pub fn start_tls(env: &[(&str, &Path)], trusted: Vec<u8>) -> Server {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(rustls_pki_types::CertificateDer::from(trusted)).unwrap();
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Server::spawn(&[], env, Some(Arc::new(config)))
    }

    fn spawn(args: &[&str], env: &[(&str, &Path)], tls: Option<Arc<rustls::ClientConfig>>) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_entitle"));
        command.args(["serve", "--listen", "127.0.0.1:0", "--as-of", "2026-11-25"]).args(args);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let (send, stderr) = mpsc::channel();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        std::thread::spawn(move || {
            while let Some(Ok(line)) = lines.next() {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let first = stderr.recv_timeout(Duration::from_secs(60)).expect("the server prints its address");
        let addr = first.rsplit("://").next().unwrap().parse().unwrap_or_else(|_| panic!("{first}"));
        assert_eq!(first.starts_with("entitle: serving on https://"), tls.is_some(), "{first}");
        let server = Server { child, addr, stderr, tls };
        let started = Instant::now();
        while server.get("/readyz").status != 200 {
            assert!(started.elapsed() < Duration::from_secs(300), "not ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Reply {
        self.exchange(&format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), b"")
    }

    /// `POST path` with a JSON body and extra header lines.
    pub fn post(&self, path: &str, body: &[u8], headers: &str) -> Reply {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n{headers}\r\n",
            body.len()
        );
        self.exchange(&head, body)
    }

    /// One request over plain TCP or TLS, as the server speaks.
    pub fn exchange(&self, head: &str, body: &[u8]) -> Reply {
        let Some(config) = &self.tls else { return send(self.addr, head, body) };
        let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
        let connection = rustls::ClientConnection::new(Arc::clone(config), name).unwrap();
        let tcp = TcpStream::connect(self.addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
        let mut stream = rustls::StreamOwned::new(connection, tcp);
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        read_reply(&mut stream)
    }

    /// `POST path` with `Content-Type: application/json`.
    pub fn post_json(&self, path: &str, body: &serde_json::Value) -> Reply {
        self.post(path, body.to_string().as_bytes(), "Content-Type: application/json\r\n")
    }

    /// The peak resident memory of the server, in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A reply.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends `head` and `body` and reads the reply to the end (the server closes).
pub fn send(addr: SocketAddr, head: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    read_reply(&mut stream)
}

/// Reads a `Connection: close` reply (content-length or to the end).
pub fn read_reply(stream: &mut impl Read) -> Reply {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

/// Parses raw reply bytes.
pub fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no reply head: {text:?}"));
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    Reply { status, head: head.to_owned(), body: body.to_owned() }
}

/// A `/v1/check` body uploading the files of `dir` (not recursive) by name.
pub fn upload_dir(dir: &Path) -> serde_json::Value {
    let mut files = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.push(serde_json::json!({"name": name, "content": std::fs::read_to_string(&path).unwrap()}));
    }
    serde_json::json!({"files": files})
}

/// An AdmissionReview of a KubeVirt VirtualMachine labelled with `os` (`rhel-7.4`).
pub fn vm_review(uid: &str, os: &str) -> serde_json::Value {
    let vm = serde_json::json!({
        "apiVersion": "kubevirt.io/v1",
        "kind": "VirtualMachine",
        "metadata": {"name": "db", "namespace": "apps", "labels": {"kubevirt.io/os": os}},
        "spec": {"running": true, "template": {"spec": {
            "domain": {"devices": {"disks": [{"name": "root"}]}},
            "volumes": [{"name": "root", "persistentVolumeClaim": {"claimName": "db-root"}}]
        }}}
    });
    review(uid, "kubevirt.io", "VirtualMachine", vm)
}

/// An AdmissionReview creating `object` of `group`/`kind`.
pub fn review(uid: &str, group: &str, kind: &str, object: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": group, "version": "v1", "kind": kind},
            "resource": {"group": group, "version": "v1", "resource": "things"},
            "operation": "CREATE",
            "namespace": "apps",
            "name": "db",
            "object": object,
        }
    })
}
