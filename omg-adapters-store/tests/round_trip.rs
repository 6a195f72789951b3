//! Saving and loading through real redb files.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod common;

use std::os::unix::fs::PermissionsExt;

use common::{alpm, apt, fingerprint, packages, status, temp, temp_store};
use omg_adapters_store::RedbStore;
use omg_ports::{Result, Store};

#[tokio::test]
async fn index_round_trips() -> Result<()> {
    let (_dir, store) = temp_store();
    let index = packages(500, 1);
    store
        .save_index(&alpm("/etc/pacman.conf"), &fingerprint(1), &index)
        .await?;
    let loaded = store
        .load_index(&alpm("/etc/pacman.conf"), &fingerprint(1))
        .await?;
    assert_eq!(loaded, Some(index));
    Ok(())
}

#[tokio::test]
async fn an_empty_index_round_trips() -> Result<()> {
    let (_dir, store) = temp_store();
    store.save_index(&apt(), &fingerprint(0), &[]).await?;
    assert_eq!(
        store.load_index(&apt(), &fingerprint(0)).await?,
        Some(vec![])
    );
    Ok(())
}

#[tokio::test]
async fn status_round_trips() -> Result<()> {
    let (_dir, store) = temp_store();
    assert_eq!(store.load_status(&apt()).await?, None);
    store
        .save_status(&apt(), &status(60_000, 1_700_000_000))
        .await?;
    assert_eq!(
        store.load_status(&apt()).await?,
        Some(status(60_000, 1_700_000_000))
    );
    Ok(())
}

#[tokio::test]
async fn nothing_saved_loads_as_none() -> Result<()> {
    let (_dir, store) = temp_store();
    assert_eq!(store.load_index(&apt(), &fingerprint(1)).await?, None);
    assert_eq!(store.load_status(&apt()).await?, None);
    Ok(())
}

#[tokio::test]
async fn another_fingerprint_loads_as_none() -> Result<()> {
    let (_dir, store) = temp_store();
    store
        .save_index(&apt(), &fingerprint(1), &packages(10, 1))
        .await?;
    assert_eq!(store.load_index(&apt(), &fingerprint(2)).await?, None);
    assert_eq!(
        store.load_index(&apt(), &Default::default()).await?,
        None,
        "an empty fingerprint is another fingerprint too"
    );
    Ok(())
}

#[tokio::test]
async fn backends_do_not_see_each_other() -> Result<()> {
    let (_dir, store) = temp_store();
    let (a, b, c) = (alpm("/etc/pacman.conf"), alpm("/tmp/other.conf"), apt());
    store
        .save_index(&a, &fingerprint(1), &packages(10, 1))
        .await?;
    store
        .save_index(&b, &fingerprint(1), &packages(20, 2))
        .await?;
    store.save_status(&a, &status(10, 1)).await?;

    assert_eq!(
        store.load_index(&a, &fingerprint(1)).await?,
        Some(packages(10, 1))
    );
    assert_eq!(
        store.load_index(&b, &fingerprint(1)).await?,
        Some(packages(20, 2))
    );
    assert_eq!(store.load_index(&c, &fingerprint(1)).await?, None);
    assert_eq!(store.load_status(&a).await?, Some(status(10, 1)));
    assert_eq!(store.load_status(&b).await?, None);
    assert_eq!(store.load_status(&c).await?, None);
    Ok(())
}

#[tokio::test]
async fn saving_replaces() -> Result<()> {
    let (_dir, store) = temp_store();
    store
        .save_index(&apt(), &fingerprint(1), &packages(300, 1))
        .await?;
    store
        .save_index(&apt(), &fingerprint(2), &packages(5, 2))
        .await?;
    assert_eq!(store.load_index(&apt(), &fingerprint(1)).await?, None);
    assert_eq!(
        store.load_index(&apt(), &fingerprint(2)).await?,
        Some(packages(5, 2))
    );

    store.save_status(&apt(), &status(1, 1)).await?;
    store.save_status(&apt(), &status(2, 2)).await?;
    assert_eq!(store.load_status(&apt()).await?, Some(status(2, 2)));
    Ok(())
}

#[tokio::test]
async fn state_survives_reopening() -> Result<()> {
    let dir = temp();
    let path = dir.path().join("state.redb");
    {
        let store = RedbStore::open(&path)?;
        store
            .save_index(&apt(), &fingerprint(7), &packages(100, 7))
            .await?;
        store.save_status(&apt(), &status(100, 7)).await?;
    }
    let store = RedbStore::open(&path)?;
    assert_eq!(
        store.load_index(&apt(), &fingerprint(7)).await?,
        Some(packages(100, 7))
    );
    assert_eq!(store.load_status(&apt()).await?, Some(status(100, 7)));
    Ok(())
}

#[tokio::test]
async fn creates_private_directories_and_file() -> Result<()> {
    let dir = temp();
    let path = dir.path().join("state/omg/state.redb");
    let store = RedbStore::open(&path)?;
    assert_eq!(store.path(), path);
    for made in [dir.path().join("state"), dir.path().join("state/omg")] {
        let mode = std::fs::metadata(&made)
            .expect("the directory")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{}", made.display());
    }
    let mode = std::fs::metadata(&path)
        .expect("the file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    Ok(())
}
