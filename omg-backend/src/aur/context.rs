//! What the reviews of one install need besides each package's own files and record: the
//! names squatters imitate, and when each maintainer's oldest AUR package was first
//! submitted (the AUR publishes no account ages; that date bounds one from below).

use std::collections::HashMap;

use omg_domain::aur::{PlanFacts, POPULAR_AT};
use omg_ports::{AurSearchBy, AurSource, PackageBackend, PackageSummary, Result};

/// The shared facts of one run's reviews.
#[derive(Debug, Default)]
pub struct ReviewContext {
    /// Every package of the sync databases and the plan's AUR records at least
    /// [`POPULAR_AT`] popular, sorted, each once.
    pub popular: Vec<String>,
    /// Maintainer -> first submission of their oldest AUR package (unix seconds).
    maintainer_since: HashMap<String, i64>,
    installed_at: HashMap<String, i64>,
}

impl ReviewContext {
    /// The context of reviewing the packages of `maintainers`, planned over `facts`. A
    /// maintainer the AUR cannot be asked about is left unknown (logged): the review goes
    /// on without that warning.
    ///
    /// # Errors
    ///
    /// The backend's, when the sync databases cannot be listed.
    pub async fn gather<'m>(
        backend: &dyn PackageBackend,
        source: &dyn AurSource,
        facts: &PlanFacts,
        maintainers: impl IntoIterator<Item = &'m str>,
    ) -> Result<ReviewContext> {
        let packages = backend.packages().await?;
        // When each installed package no repository has was installed: the baseline of a
        // review of a package omg never reviewed (installed by another helper).
        let installed_at: HashMap<String, i64> = packages
            .iter()
            .filter(|p| p.repository == PackageSummary::LOCAL)
            .filter_map(|p| Some((p.name.clone(), p.installed.as_ref()?.date?)))
            .collect();
        let mut popular: Vec<String> = packages
            .into_iter()
            .filter(|p| p.repository != PackageSummary::LOCAL)
            .map(|p| p.name)
            .collect();
        popular.extend(
            facts
                .records()
                .filter(|r| r.popularity >= POPULAR_AT)
                .map(|r| r.name.clone()),
        );
        popular.sort_unstable();
        popular.dedup();
        let mut maintainer_since = HashMap::new();
        for m in maintainers {
            if maintainer_since.contains_key(m) {
                continue;
            }
            match source.search(m, AurSearchBy::Maintainer).await {
                Ok(records) => {
                    if let Some(oldest) = records
                        .iter()
                        .map(|r| r.first_submitted)
                        .filter(|t| *t > 0)
                        .min()
                    {
                        maintainer_since.insert(m.to_string(), oldest);
                    }
                }
                Err(e) => {
                    tracing::debug!(maintainer = %m, error = %e, "the AUR's maintainer search failed");
                }
            }
        }
        Ok(ReviewContext {
            popular,
            maintainer_since,
            installed_at,
        })
    }

    /// When the installed package `name` (one no repository has) was installed, if known.
    pub fn installed_at(&self, name: &str) -> Option<i64> {
        self.installed_at.get(name).copied()
    }

    /// When the oldest AUR package of `maintainer` was first submitted, if known.
    pub fn maintainer_since(&self, maintainer: &str) -> Option<i64> {
        self.maintainer_since.get(maintainer).copied()
    }
}
