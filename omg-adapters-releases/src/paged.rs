//! [`PagedIndex`]: a list a source serves in pages (GitHub's releases, Adoptium's builds),
//! newest first, read page by page only as far as a command needs, following each page's
//! `Link: <...>; rel="next"`, at most a bound of pages, and kept for the provider's life.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use omg_ports::{Error, FetchRequest, Fetcher, Result};

use crate::index::Parse;
use crate::text::{malformed, MAX_INDEX_BYTES};

/// The pages read so far, in order.
pub(crate) type Pages<T> = Vec<Arc<Vec<T>>>;

/// Every item of `pages`, in order.
pub(crate) fn items<T>(pages: &Pages<T>) -> impl Iterator<Item = &T> {
    pages.iter().flat_map(|p| p.iter())
}

/// A paged list, by the URL of its first page.
pub(crate) struct PagedIndex<T> {
    /// The runtime, for [`Error::TooManyPages`].
    runtime: &'static str,
    /// What the list is (`bun releases`).
    what: &'static str,
    parse: Parse<Vec<T>>,
    /// The most pages read of one list.
    max_pages: usize,
    /// What a fetch error means for this source (GitHub's rate limit, said as such).
    explain: fn(Error) -> Error,
    lists: Mutex<HashMap<String, List<T>>>,
}

/// One list as far as it was read.
struct List<T> {
    pages: Pages<T>,
    /// The next page to read; `None` once the last one is read.
    next: Option<String>,
    /// The pages read, to refuse a next page that was read before.
    read: HashSet<String>,
}

impl<T: Send + Sync> PagedIndex<T> {
    /// An empty index of the lists named `what` of `runtime`, each page read with `parse`,
    /// at most `max_pages` pages of a list; fetch errors go through `explain`.
    pub(crate) fn new(
        runtime: &'static str,
        what: &'static str,
        max_pages: usize,
        parse: Parse<Vec<T>>,
        explain: fn(Error) -> Error,
    ) -> Self {
        PagedIndex {
            runtime,
            what,
            parse,
            max_pages,
            explain,
            lists: Mutex::new(HashMap::new()),
        }
    }

    /// The first page of the list at `first` (the newest items).
    ///
    /// # Errors
    ///
    /// As [`PagedIndex::until`].
    pub(crate) async fn first(&self, fetcher: &Arc<dyn Fetcher>, first: &str) -> Result<Pages<T>> {
        self.until(fetcher, first, |_| true).await
    }

    /// The pages of the list at `first`, read (after the first) until `enough` holds for
    /// the pages so far or the last page is read.
    ///
    /// # Errors
    ///
    /// The fetcher's errors (through `explain`); [`Error::MalformedFeed`] for a page that
    /// `parse` refuses or a next page read before (a loop); [`Error::TooManyPages`] when
    /// the bound is reached with a next page left and `enough` not holding.
    pub(crate) async fn until(
        &self,
        fetcher: &Arc<dyn Fetcher>,
        first: &str,
        enough: impl Fn(&Pages<T>) -> bool,
    ) -> Result<Pages<T>> {
        loop {
            let (pages, next) = self.state(first);
            if !pages.is_empty() && enough(&pages) {
                return Ok(pages);
            }
            let Some(url) = next else {
                return Ok(pages);
            };
            if pages.len() >= self.max_pages {
                return Err(Error::TooManyPages {
                    runtime: self.runtime.into(),
                    index: self.what.into(),
                    url: first.into(),
                    pages: pages.len(),
                });
            }
            tracing::debug!(page = pages.len() + 1, %url, "reading {}", self.what);
            let page = fetcher
                .fetch_page(&FetchRequest::new(url.as_str(), MAX_INDEX_BYTES).as_index())
                .await
                .map_err(self.explain)?;
            let parsed = (self.parse)(&page.body).map_err(|e| malformed(self.what, &url, e))?;
            self.push(first, &url, parsed, page.next)?;
        }
    }

    /// The pages of the list at `first` read so far (none when it was never read).
    pub(crate) fn read(&self, first: &str) -> Pages<T> {
        self.state(first).0
    }

    /// The pages of `first` read so far and the next one to read.
    fn state(&self, first: &str) -> (Pages<T>, Option<String>) {
        match self.lists.lock() {
            Ok(lists) => match lists.get(first) {
                Some(l) => (l.pages.clone(), l.next.clone()),
                None => (Vec::new(), Some(first.to_string())),
            },
            Err(_) => (Vec::new(), Some(first.to_string())),
        }
    }

    /// Adds the page read from `url` to the list at `first` (unless another task did).
    fn push(&self, first: &str, url: &str, items: Vec<T>, next: Option<String>) -> Result<()> {
        let Ok(mut lists) = self.lists.lock() else {
            return Ok(());
        };
        let list = lists.entry(first.to_string()).or_insert_with(|| List {
            pages: Vec::new(),
            next: Some(first.to_string()),
            read: HashSet::new(),
        });
        if list.next.as_deref() != Some(url) {
            return Ok(());
        }
        list.read.insert(url.to_string());
        if let Some(n) = next.as_deref().filter(|n| list.read.contains(*n)) {
            list.next = None;
            return Err(malformed(
                self.what,
                url,
                format!("its Link header names a page read before as the next one ({n})"),
            ));
        }
        list.pages.push(Arc::new(items));
        list.next = next;
        Ok(())
    }
}
