//! A progress sink that records every event and can act on one.

use std::sync::Mutex;

use omg_ports::{ProgressEvent, ProgressSink};

type Hook = Box<dyn Fn(&ProgressEvent) + Send + Sync>;

#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<ProgressEvent>>,
    hook: Option<Hook>,
}

impl Recorder {
    pub fn with_hook(hook: impl Fn(&ProgressEvent) + Send + Sync + 'static) -> Recorder {
        Recorder {
            events: Mutex::default(),
            hook: Some(Box::new(hook)),
        }
    }

    pub fn events(&self) -> Vec<ProgressEvent> {
        self.events.lock().unwrap().clone()
    }

    /// The texts of the Message events.
    pub fn messages(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                ProgressEvent::Message { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    }
}

impl ProgressSink for Recorder {
    fn event(&self, event: ProgressEvent) {
        if let Some(hook) = &self.hook {
            hook(&event);
        }
        self.events.lock().unwrap().push(event);
    }
}
