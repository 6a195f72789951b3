//! Download progress on a terminal: one indicatif bar on stderr. Elsewhere (a pipe, --json)
//! nothing is drawn.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use omg_ports::{ProgressEvent, ProgressSink};

/// A bar when stderr is a terminal and `json` is off, else `None`.
pub fn sink(json: bool) -> Option<Arc<dyn ProgressSink>> {
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Arc::new(Bar(Mutex::new(None))))
}

struct Bar(Mutex<Option<ProgressBar>>);

impl ProgressSink for Bar {
    fn event(&self, event: ProgressEvent) {
        let Ok(mut slot) = self.0.lock() else { return };
        let bar = slot.get_or_insert_with(|| {
            let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{msg:40!} {bar:30} {bytes:>10}/{total_bytes:10} {bytes_per_sec:>12}",
            ) {
                b.set_style(style);
            }
            b
        });
        match event {
            ProgressEvent::Download { item, done, total } => {
                if let Some(t) = total {
                    bar.set_length(t);
                }
                bar.set_message(item);
                bar.set_position(done);
            }
            ProgressEvent::Step { message, .. } => bar.set_message(message),
            _ => {}
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.0.lock() {
            if let Some(b) = slot.take() {
                b.finish_and_clear();
            }
        }
    }
}
