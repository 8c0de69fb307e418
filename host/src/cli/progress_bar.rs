//! The progress bar of `entitle check` on stderr (indicatif): drawn only when stderr is a
//! terminal (never in a CI log or a redirected file) and only once the run has taken a
//! second, from the counters the library advances; cleared before the report is written.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use entitle::progress::{Progress, Snapshot};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar shows.
const AFTER: Duration = Duration::from_secs(1);
/// How often the bar is updated.
const EVERY: Duration = Duration::from_millis(100);

/// A running bar; dropping it stops and clears it.
pub struct Bar {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Starts watching `progress` (nothing at all when stderr is not a terminal or TERM is dumb).
pub fn start(progress: &Progress) -> Bar {
    let stop = Arc::new(AtomicBool::new(false));
    let wanted = std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
    let thread = wanted.then(|| {
        let (progress, stop) = (progress.clone(), stop.clone());
        std::thread::spawn(move || draw(&progress, &stop))
    });
    Bar { stop, thread }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn draw(progress: &Progress, stop: &AtomicBool) {
    let started = Instant::now();
    while started.elapsed() < AFTER {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(EVERY);
    }
    // Set up hidden, then shown: the first frame already has the counts and the run's time.
    let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::hidden()).with_elapsed(started.elapsed());
    let style = ProgressStyle::with_template("{spinner} [{elapsed}] {bar:30} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    let mut shown = false;
    while !stop.load(Ordering::Relaxed) {
        let now = progress.snapshot();
        let (done, total) = steps(now);
        bar.set_length(total.max(1) as u64);
        bar.set_position(done as u64);
        bar.set_message(message(now));
        if !shown {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        bar.tick();
        std::thread::sleep(EVERY);
    }
    bar.finish_and_clear();
}

/// Work done and to do: files read plus evaluations.
fn steps(s: Snapshot) -> (usize, usize) {
    (s.files_read + s.evaluations_done, s.files + s.evaluations)
}

/// `read 3/10 files, 12 workloads; 40/70 evaluations`.
fn message(s: Snapshot) -> String {
    let mut text = format!("read {}/{} files, {} workloads", s.files_read, s.files, s.workloads);
    if s.evaluations > 0 {
        text.push_str(&format!("; {}/{} evaluations", s.evaluations_done, s.evaluations));
    } else if s.files == 1 && s.files_read == 0 {
        text = "reading and modelling 1 file".to_owned();
    }
    text
}
