//! The progress bar on stderr: shown only on a terminal, only once a run has taken a second
//! (a quick run should not flash one), and never with `--quiet`.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const DELAY: Duration = Duration::from_secs(1);

pub struct Progress {
    bar: ProgressBar,
    /// Dropping the sender tells the thread waiting to show the bar that the run is over.
    reveal: Option<(Sender<()>, JoinHandle<()>)>,
}

impl Progress {
    pub fn start(quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar, reveal: None };
        }
        bar.set_style(
            ProgressStyle::with_template("{spinner} checking {pos}/{len} files {wide_bar} {eta}")
                .expect("valid template"),
        );
        let (done, wait) = mpsc::channel::<()>();
        let shown = bar.clone();
        let thread = std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(100));
            }
        });
        Progress {
            bar,
            reveal: Some((done, thread)),
        }
    }

    /// Takes the bar off the screen before the report is printed.
    pub fn finish(mut self) {
        if let Some((done, thread)) = self.reveal.take() {
            drop(done);
            let _ = thread.join();
        }
        self.bar.finish_and_clear();
    }
}

/// The linter counts the files it reads on the bar.
impl galley_linter::engine::Progress for Progress {
    fn start(&self, files: usize) {
        self.bar.set_length(files as u64);
    }

    fn advance(&self) {
        self.bar.inc(1);
    }
}
