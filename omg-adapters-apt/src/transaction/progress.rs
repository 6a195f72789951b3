//! libapt's acquire and dpkg callbacks as omg's [`ProgressEvent`]s, and the interrupt flag
//! the acquire pulse checks.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;

use omg_ports::{ProgressEvent, ProgressSink};

/// How often libapt calls the acquire pulse while a download runs (and so how soon an
/// interrupt is seen), in microseconds.
const PULSE_INTERVAL_US: i32 = 100_000;

/// What a backend's running commit is doing, for [`Control::interrupt`].
#[derive(Debug, Default)]
pub(crate) struct Control {
    /// 0 idle, 1 interruptible (waiting for a lock, downloading), 2 dpkg running.
    phase: AtomicU8,
    cancel: AtomicBool,
}

const IDLE: u8 = 0;
const INTERRUPTIBLE: u8 = 1;
const DPKG: u8 = 2;

impl Control {
    /// A commit starts: clears an old interrupt request.
    pub(crate) fn start(&self) {
        self.cancel.store(false, Ordering::SeqCst);
        self.phase.store(INTERRUPTIBLE, Ordering::SeqCst);
    }

    /// dpkg is about to run: too late to stop.
    pub(crate) fn enter_dpkg(&self) {
        self.phase.store(DPKG, Ordering::SeqCst);
    }

    /// The commit ended.
    pub(crate) fn finish(&self) {
        self.phase.store(IDLE, Ordering::SeqCst);
        self.cancel.store(false, Ordering::SeqCst);
    }

    /// Asks the running commit to stop at its next safe point; false when none runs or
    /// dpkg already does.
    pub(crate) fn interrupt(&self) -> bool {
        if self.phase.load(Ordering::SeqCst) != INTERRUPTIBLE {
            return false;
        }
        self.cancel.store(true, Ordering::SeqCst);
        true
    }

    /// True once [`Self::interrupt`] was called for this commit.
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// Which items the download events name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Naming {
    /// Package archives: the package name.
    Package,
    /// Index files: libapt's description (`file:/repo omgtest/main amd64 Packages`).
    Description,
}

/// Receives libapt's callbacks on the worker thread (through the C++ bridge) and passes
/// them on to the sink.
pub(crate) struct Reporter {
    sink: Arc<dyn ProgressSink>,
    control: Arc<Control>,
    naming: Naming,
    last_action: String,
    /// The package and percent of the last step progress.
    last_progress: Option<(String, u8)>,
    /// dpkg's errors, as `(package, message)`.
    pub(crate) dpkg_errors: Vec<(String, String)>,
    /// Items libapt failed to fetch, as `(item, reason)`.
    pub(crate) failures: Vec<(String, String)>,
    /// Index files a list update found up to date (`Hit:`) or downloaded (`Get:`).
    pub(crate) refreshed: Vec<omg_ports::RefreshedDatabase>,
}

impl Reporter {
    pub(crate) fn new(sink: Arc<dyn ProgressSink>, control: Arc<Control>, naming: Naming) -> Self {
        Reporter {
            sink,
            control,
            naming,
            last_action: String::new(),
            last_progress: None,
            dpkg_errors: Vec::new(),
            failures: Vec::new(),
            refreshed: Vec::new(),
        }
    }

    fn item<'a>(&self, description: &'a str, name: &'a str) -> &'a str {
        match self.naming {
            Naming::Package if !name.is_empty() => name,
            _ => description,
        }
    }

    fn message(&self, level: &str, text: String) {
        self.sink.event(ProgressEvent::Message {
            level: level.to_owned(),
            text,
        });
    }

    pub(crate) fn hit(&mut self, description: &str, _name: &str) {
        if self.naming == Naming::Description {
            self.refreshed.push(omg_ports::RefreshedDatabase {
                name: description.to_owned(),
                downloaded: false,
                size: 0,
            });
        } else {
            self.message("info", format!("up to date: {description}"));
        }
    }

    pub(crate) fn fetch(&mut self, description: &str, name: &str, size: u64) {
        let item = self.item(description, name).to_owned();
        self.sink.event(ProgressEvent::Download {
            item,
            done: 0,
            total: (size > 0).then_some(size),
        });
    }

    pub(crate) fn done(&mut self, description: &str, name: &str, size: u64) {
        if self.naming == Naming::Description {
            self.refreshed.push(omg_ports::RefreshedDatabase {
                name: description.to_owned(),
                downloaded: true,
                size,
            });
        }
        let item = self.item(description, name).to_owned();
        self.sink.event(ProgressEvent::Download {
            item,
            done: size,
            total: (size > 0).then_some(size),
        });
    }

    pub(crate) fn fail(&mut self, description: &str, name: &str, error: &str, ignored: bool) {
        let item = self.item(description, name);
        let (level, what) = if ignored {
            ("info", "ignored")
        } else {
            ("error", "failed to fetch")
        };
        if !ignored {
            self.failures
                .push((item.to_owned(), error.trim().to_owned()));
        }
        let text = if error.is_empty() {
            format!("{what} {item}")
        } else {
            format!("{what} {item}: {error}")
        };
        self.message(level, text);
    }

    pub(crate) fn progress(&mut self, description: &str, name: &str, done: u64, total: u64) {
        let item = self.item(description, name).to_owned();
        self.sink.event(ProgressEvent::Download {
            item,
            done,
            total: (total > 0).then_some(total),
        });
    }

    pub(crate) fn keep_going(&mut self) -> bool {
        !self.control.cancelled()
    }

    pub(crate) fn pulse_interval_us(&self) -> i32 {
        PULSE_INTERVAL_US
    }

    pub(crate) fn status_changed(&mut self, pkg: &str, done: u32, total: u32, action: &str) {
        let total = total.max(1) as usize;
        let done = (done as usize).min(total);
        if action != self.last_action {
            self.last_action = action.to_owned();
            self.sink.event(ProgressEvent::Step {
                message: action.to_owned(),
                current: (done + 1).min(total),
                total,
            });
        }
        let percent = (done * 100 / total).min(100) as u8;
        self.last_progress = Some((pkg.to_owned(), percent));
        self.sink.event(ProgressEvent::StepProgress {
            item: pkg.to_owned(),
            percent,
        });
    }

    /// dpkg finished successfully: libapt's last status is one step short of its total,
    /// so the last step is reported complete.
    pub(crate) fn install_finished(&mut self) {
        if let Some((item, percent)) = self.last_progress.take() {
            if percent < 100 {
                self.sink
                    .event(ProgressEvent::StepProgress { item, percent: 100 });
            }
        }
    }

    pub(crate) fn dpkg_error(&mut self, pkg: &str, message: &str) {
        tracing::warn!(package = pkg, message, "dpkg reported an error");
        self.message("error", format!("{pkg}: {message}"));
        self.dpkg_errors.push((pkg.to_owned(), message.to_owned()));
    }

    pub(crate) fn dpkg_conffile(&mut self, pkg: &str, message: &str) {
        self.message("warning", format!("{pkg}: {message}"));
    }
}
