//! Where progress goes: bars on a terminal (indicatif), plain lines on a pipe, one JSON
//! object per line with `--json`.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use omg_cli_core::render::human_size;
use omg_ports::{ProgressEvent, ProgressSink};

/// The sink for this run: JSON lines (to `json_out`, else stdout), bars, or plain lines.
pub fn sink(
    json: bool,
    json_out: Option<std::fs::File>,
    total_download: u64,
) -> std::sync::Arc<dyn ProgressSink> {
    if json {
        std::sync::Arc::new(JsonLines(json_out.map(Mutex::new)))
    } else if std::io::stderr().is_terminal() {
        std::sync::Arc::new(Bars::new(total_download))
    } else {
        std::sync::Arc::new(PlainLines::default())
    }
}

/// `{"event":"download",...}` per line on the given file, else stdout.
struct JsonLines(Option<Mutex<std::fs::File>>);

impl ProgressSink for JsonLines {
    fn event(&self, event: ProgressEvent) {
        let Ok(line) = serde_json::to_string(&event) else {
            return;
        };
        match &self.0 {
            Some(file) => {
                if let Ok(mut f) = file.lock() {
                    let _ = writeln!(f, "{line}");
                }
            }
            None => {
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
        }
    }
}

/// Lines on stderr for logs and pipes: steps, messages, and each finished download (once).
#[derive(Default)]
struct PlainLines {
    finished: Mutex<std::collections::HashSet<String>>,
}

impl ProgressSink for PlainLines {
    fn event(&self, event: ProgressEvent) {
        let line = match event {
            ProgressEvent::Download { item, done, total } if Some(done) == total => {
                let first = self
                    .finished
                    .lock()
                    .is_ok_and(|mut seen| seen.insert(item.clone()));
                if !first {
                    return;
                }
                format!("downloaded {item} ({})", human_size(done))
            }
            ProgressEvent::Download { .. } => return,
            ProgressEvent::Step {
                message,
                current,
                total,
            } => step_line(&message, current, total),
            // Steps already say what is happening; percentages are for bars.
            ProgressEvent::StepProgress { .. } => return,
            ProgressEvent::Message { level, text } => format!("{level}: {text}"),
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// `(3/10) installing foo`, or just the message for a step that is one of one.
fn step_line(message: &str, current: usize, total: usize) -> String {
    if total > 1 {
        format!("({current}/{total}) {message}")
    } else {
        message.to_string()
    }
}

/// Download bars per file and one for the total, then a bar for the current step.
struct Bars {
    multi: MultiProgress,
    state: Mutex<BarState>,
}

struct BarState {
    downloads: HashMap<String, (ProgressBar, u64)>,
    total: Option<ProgressBar>,
    total_bytes: u64,
    step: Option<ProgressBar>,
}

impl Bars {
    fn new(total_download: u64) -> Self {
        Self {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            state: Mutex::new(BarState {
                downloads: HashMap::new(),
                total: None,
                total_bytes: total_download,
                step: None,
            }),
        }
    }
}

// The bars fit the terminal (`wide_bar`/`wide_msg` take what the fixed parts leave: 64
// and 20 characters, so 80 columns leave 16 and 60); downloads show their ETA.
fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{msg:24!} [{wide_bar}] {bytes:>9}/{total_bytes:<9} {binary_bytes_per_sec:>11} {eta:>4}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ")
}

fn step_style() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:>9} {wide_msg} [{bar:20}] {percent:>3}%")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl ProgressSink for Bars {
    fn event(&self, event: ProgressEvent) {
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        match event {
            ProgressEvent::Download { item, done, total } => {
                if s.total.is_none() && s.total_bytes > 0 {
                    let bar = self.multi.add(ProgressBar::new(s.total_bytes));
                    bar.set_style(bytes_style());
                    bar.set_message("total");
                    s.total = Some(bar);
                }
                let (bar, seen) = s.downloads.entry(item.clone()).or_insert_with(|| {
                    let bar = self.multi.add(ProgressBar::new(total.unwrap_or(0)));
                    bar.set_style(bytes_style());
                    bar.set_message(item.clone());
                    (bar, 0)
                });
                if let Some(t) = total {
                    bar.set_length(t);
                }
                bar.set_position(done);
                let grew = done.saturating_sub(*seen);
                *seen = done;
                if Some(done) == total {
                    bar.finish();
                }
                if let Some(t) = &s.total {
                    t.inc(grew);
                }
            }
            ProgressEvent::Step {
                message,
                current,
                total,
            } => {
                if let Some(t) = s.total.take() {
                    t.finish();
                }
                if let Some(old) = s.step.take() {
                    old.finish();
                }
                let bar = self.multi.add(ProgressBar::new(100));
                bar.set_style(step_style());
                if total > 1 {
                    bar.set_prefix(format!("({current}/{total})"));
                }
                bar.set_message(message);
                s.step = Some(bar);
            }
            ProgressEvent::StepProgress { item, percent } => {
                if let Some(bar) = &s.step {
                    bar.set_message(item);
                    bar.set_position(u64::from(percent.min(100)));
                }
            }
            ProgressEvent::Message { level, text } => {
                let _ = self.multi.println(format!("{level}: {text}"));
            }
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        if let Ok(s) = self.state.lock() {
            if let Some(step) = &s.step {
                step.finish();
            }
        }
    }
}
