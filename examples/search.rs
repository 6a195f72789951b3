//! Search the host's packages through the SDK: `cargo run --example search -- firefox`.

use omg::{Omg, SearchQuery};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let words: Vec<String> = std::env::args().skip(1).collect();
    if words.is_empty() {
        return Err("usage: search <words>...".into());
    }
    // libalpm on Arch-likes, libapt-pkg on Debian-likes (from /etc/os-release).
    let engine = Omg::builder().build()?;
    let query = SearchQuery::new(words.join(" ")).with_limit(10);
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let results = runtime.block_on(engine.search(&query))?;
    for hit in &results.hits {
        let p = &hit.package;
        println!("{}/{} {} ({:?})", p.repository, p.name, p.version, hit.kind);
        println!("    {}", p.description);
    }
    println!("{} of {} matches", results.hits.len(), results.total);
    Ok(())
}
