//! Load benchmark of `entitle serve` (scripts/load.sh runs it): starts the server on a
//! loopback port, drives `POST /v1/check` from 1, 16 and 64 concurrent clients (each a
//! thread with its own keep-alive connection) for N seconds, and reports requests per
//! second, p50/p99 latency, replies by status and the server's peak RSS (VmHWM); then
//! does the same with `entitle check` started per request, what a user without the
//! server would do, with its peak RSS from `/usr/bin/time` when present.
//!
//! `cargo run --example load -- BIN DIR [SECONDS] [CLIENTS,...] [CLI-CLIENTS,...]`

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One phase's outcome.
#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    statuses: BTreeMap<String, usize>,
    elapsed: Duration,
}

impl Outcome {
    fn merge(&mut self, other: Outcome) {
        self.latencies.extend(other.latencies);
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
    }

    fn row(&mut self, what: &str, clients: usize, rss: &str) -> String {
        self.latencies.sort();
        let pick = |q: f64| {
            let n = self.latencies.len();
            if n == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", ms(self.latencies[((n as f64 * q) as usize).min(n - 1)]))
            }
        };
        // A reply of 200, or a check process that ran (exit 0 clean, 1 findings).
        let ok: usize = ["200", "exit 0/1"].iter().filter_map(|k| self.statuses.get(*k)).sum();
        let rate = ok as f64 / self.elapsed.as_secs_f64();
        let statuses: Vec<String> = self.statuses.iter().map(|(s, n)| format!("{s}: {n}")).collect();
        format!("| {what} | {clients} | {rate:.1} | {} | {} | {} | {rss} |", pick(0.5), pick(0.99), statuses.join(", "))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (bin, dir) = match (args.first(), args.get(1)) {
        (Some(bin), Some(dir)) => (std::fs::canonicalize(bin).expect("the binary"), PathBuf::from(dir)),
        _ => {
            eprintln!("usage: load ENTITLE-BINARY INPUT-DIR [SECONDS] [CLIENTS,...] [CLI-CLIENTS,...]");
            std::process::exit(2);
        }
    };
    let seconds: u64 = args.get(2).map_or(30, |s| s.parse().expect("SECONDS"));
    let list = |at: usize, default: &str| -> Vec<usize> {
        args.get(at).map_or(default, String::as_str).split(',').map(|n| n.parse().expect("a client count")).collect()
    };
    let (clients, cli_clients) = (list(3, "1,16,64"), list(4, "1,16"));
    let body = std::sync::Arc::new(upload(&dir).to_string());
    let mut server = Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--as-of", "2026-11-25"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("start entitle serve");
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let first = lines.next().expect("the address line").unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    let addr: SocketAddr = first.rsplit("://").next().unwrap().parse().expect("an address");
    while get(addr, "/readyz") != 200 {
        std::thread::sleep(Duration::from_millis(50));
    }
    println!("| client | concurrent clients | checks/s | p50 ms | p99 ms | replies by status | peak RSS |");
    println!("|---|---:|---:|---:|---:|---|---:|");
    for &n in &clients {
        let mut outcome = drive(n, Duration::from_secs(seconds), |_| {
            let (mut stream, body): (Option<TcpStream>, _) = (None, body.clone());
            move || post(addr, &mut stream, &body)
        });
        let rss = format!("{} MiB (server)", vm_hwm_kib(server.id()) / 1024);
        println!("{}", outcome.row("entitle serve, HTTP keep-alive", n, &rss));
    }
    let timer = Path::new("/usr/bin/time").exists();
    for &n in &cli_clients {
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut outcome = drive(n, Duration::from_secs(seconds), |i| {
            let (bin, dir, peak) = (bin.clone(), dir.clone(), peak.clone());
            let report = std::env::temp_dir().join(format!("entitle-load-time-{}-{i}", std::process::id()));
            move || {
                let mut command = if timer {
                    let mut c = Command::new("/usr/bin/time");
                    c.args(["-f", "%M", "-o"]).arg(&report).arg(&bin);
                    c
                } else {
                    Command::new(&bin)
                };
                command.args(["check", "--root", "."]).arg(".").args(["--as-of", "2026-11-25", "--format", "json"]);
                let status = command.current_dir(&dir).stdout(Stdio::null()).stderr(Stdio::null()).status();
                if let Ok(text) = std::fs::read_to_string(&report) {
                    let kib: u64 = text.trim().lines().last().and_then(|l| l.parse().ok()).unwrap_or(0);
                    peak.fetch_max(kib, std::sync::atomic::Ordering::Relaxed);
                }
                match status.ok().and_then(|s| s.code()) {
                    Some(0 | 1) => "exit 0/1".to_owned(),
                    Some(code) => format!("exit {code}"),
                    None => "killed".to_owned(),
                }
            }
        });
        let kib = peak.load(std::sync::atomic::Ordering::Relaxed);
        let rss = if timer { format!("{} MiB (each process)", kib / 1024) } else { "n/a".to_owned() };
        println!("{}", outcome.row("`entitle check` per request", n, &rss));
    }
    let _ = Command::new("kill").args(["-TERM", &server.id().to_string()]).status();
    let _ = server.wait();
}

/// Runs `clients` threads for `time`, each calling its job in a loop; gathers latencies by result.
fn drive<F, J>(clients: usize, time: Duration, make: F) -> Outcome
where
    F: Fn(usize) -> J,
    J: FnMut() -> String + Send + 'static,
{
    let start = Instant::now();
    let deadline = start + time;
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let mut job = make(i);
            std::thread::spawn(move || {
                let mut outcome = Outcome::default();
                while Instant::now() < deadline {
                    let began = Instant::now();
                    let status = job();
                    outcome.latencies.push(began.elapsed());
                    *outcome.statuses.entry(status).or_default() += 1;
                }
                outcome
            })
        })
        .collect();
    let mut all = Outcome::default();
    for t in threads {
        all.merge(t.join().unwrap());
    }
    all.elapsed = start.elapsed();
    all
}

/// One POST over the thread's keep-alive connection (re-opened when the server closed it).
fn post(addr: SocketAddr, stream: &mut Option<TcpStream>, body: &str) -> String {
    for _ in 0..2 {
        if stream.is_none() {
            *stream = TcpStream::connect(addr).ok();
        }
        let Some(s) = stream.as_mut() else { return "connect failed".into() };
        let head = format!(
            "POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        // One write: head and body in two would meet Nagle's algorithm and delayed ACKs (40 ms).
        let sent = s.write_all([head.as_bytes(), body.as_bytes()].concat().as_slice());
        if let Some((status, close)) = sent.ok().and_then(|()| read_one(s)) {
            if close {
                *stream = None;
            }
            return status.to_string();
        }
        *stream = None;
    }
    "connection error".into()
}

/// Reads one reply with a Content-Length; the status and whether the server closes.
fn read_one(stream: &mut TcpStream) -> Option<(u16, bool)> {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok())?;
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    Some((status, head.contains("connection: close")))
}

fn get(addr: SocketAddr, path: &str) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr) else { return 0 };
    let _ = s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes());
    let mut text = String::new();
    let _ = s.read_to_string(&mut text);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// The server's peak resident memory so far, in KiB.
fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A `/v1/check` body with the files of `dir`.
fn upload(dir: &Path) -> serde_json::Value {
    let mut names: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    names.sort();
    let files: Vec<_> = names
        .iter()
        .map(|p| serde_json::json!({"name": p.file_name().unwrap().to_string_lossy(), "content": std::fs::read_to_string(p).unwrap()}))
        .collect();
    serde_json::json!({"files": files})
}
