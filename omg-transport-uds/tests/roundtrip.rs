//! Every `Request` and `Response` variant survives encode -> frame -> read -> decode.

// A test (or a measurement): a failed assumption may stop it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use omg_ports::{
    AuditOutcome, AurPackage, BackendInfo, FeedKind, FeedOrigin, Finding, InstallReason, Installed,
    ListKind, MatchKind, Package, PackageSummary, RelationKind, RuntimeStatus, SearchHit,
    SearchQuery, SearchResults, SecuritySummary, Severity, Status, Validation, VersionEntry,
    VersionScheme, VersionSource, WhyReport,
};
use omg_transport_uds::frame::{append_frame, blocking, nonblocking};
use omg_transport_uds::message::{
    decode_request, decode_response, encode_request, encode_response,
};
use omg_transport_uds::{
    AuditRequest, DaemonStats, Envelope, InfoEntry, Request, Response, TextOutput,
    DEFAULT_MAX_FRAME,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,12}", "[a-z0-9.+-]{0,24}"]
}

fn names() -> impl Strategy<Value = Vec<String>> {
    vec(text(), 0..4)
}

fn installed() -> impl Strategy<Value = Installed> {
    (
        text(),
        prop_oneof![
            Just(InstallReason::Explicit),
            Just(InstallReason::Dependency)
        ],
        option::of(any::<i64>()),
    )
        .prop_map(|(version, reason, date)| Installed {
            version,
            reason,
            date,
        })
}

fn summary() -> impl Strategy<Value = PackageSummary> {
    (
        text(),
        text(),
        text(),
        text(),
        text(),
        option::of(installed()),
    )
        .prop_map(
            |(name, version, description, repository, architecture, installed)| PackageSummary {
                name,
                version,
                description,
                repository,
                architecture,
                installed: installed.map(Box::new),
                provides: Vec::new(),
            },
        )
}

fn relation_kind() -> impl Strategy<Value = RelationKind> {
    proptest::sample::select(RelationKind::ALL.to_vec())
}

fn version_entry() -> impl Strategy<Value = VersionEntry> {
    (
        text(),
        any::<i32>(),
        any::<bool>(),
        any::<bool>(),
        vec((any::<i32>(), text()), 0..3),
    )
        .prop_map(
            |(version, priority, installed, candidate, sources)| VersionEntry {
                version,
                priority,
                installed,
                candidate,
                sources: sources
                    .into_iter()
                    .map(|(priority, index)| VersionSource { priority, index })
                    .collect(),
            },
        )
}

fn package() -> impl Strategy<Value = Package> {
    (
        (text(), text(), text(), text(), text()),
        (
            option::of(any::<u64>()),
            option::of(any::<u64>()),
            option::of(text()),
        ),
        (
            option::of(names()),
            option::of(names()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(any::<i64>()),
        ),
        (
            option::of(vec(
                proptest::sample::select(vec![
                    Validation::Md5,
                    Validation::Sha256,
                    Validation::Signature,
                ]),
                0..3,
            )),
            option::of(any::<bool>()),
            option::of(text()),
            proptest::collection::btree_map(relation_kind(), names(), 0..6),
            vec(version_entry(), 0..3),
        ),
        option::of(installed()),
    )
        .prop_map(
            |(
                (name, version, description, repository, architecture),
                (download_size, installed_size, url),
                (licenses, groups, packager, maintainer, section, build_date),
                (validated_by, install_script, long_description, relations, versions),
                installed,
            )| Package {
                name,
                version,
                description,
                repository,
                architecture,
                download_size,
                installed_size,
                url,
                licenses,
                groups,
                packager,
                maintainer,
                section,
                build_date,
                validated_by,
                install_script,
                long_description,
                installed_optdepends: relations.values().flatten().take(1).cloned().collect(),
                relations,
                versions,
                installed,
            },
        )
}

fn match_kind() -> impl Strategy<Value = MatchKind> {
    prop_oneof![
        Just(MatchKind::Exact),
        Just(MatchKind::Prefix),
        Just(MatchKind::WordBoundary),
        Just(MatchKind::Substring),
        Just(MatchKind::Fuzzy),
        Just(MatchKind::Description),
    ]
}

fn aur_package() -> impl Strategy<Value = AurPackage> {
    (
        text(),
        option::of(text()),
        option::of(text()),
        any::<u32>(),
        // JSON numbers: finite.
        -1.0e9f64..1.0e9,
        option::of(any::<i64>()),
        names(),
    )
        .prop_map(
            |(name, description, maintainer, num_votes, popularity, out_of_date, depends)| {
                AurPackage {
                    package_base: name.clone(),
                    name,
                    version: "1.0-1".into(),
                    description,
                    maintainer,
                    num_votes,
                    popularity,
                    out_of_date,
                    depends,
                    ..AurPackage::default()
                }
            },
        )
}

fn results() -> impl Strategy<Value = SearchResults> {
    (
        vec((summary(), match_kind(), any::<u32>()), 0..4),
        any::<usize>(),
    )
        .prop_map(|(hits, total)| SearchResults {
            hits: hits
                .into_iter()
                .map(|(package, kind, score)| SearchHit {
                    package,
                    kind,
                    score,
                })
                .collect(),
            total,
        })
}

fn list_kind() -> impl Strategy<Value = ListKind> {
    prop_oneof![
        Just(ListKind::Installed),
        Just(ListKind::Explicit),
        Just(ListKind::Orphans),
        Just(ListKind::Upgradable),
    ]
}

fn backend() -> impl Strategy<Value = BackendInfo> {
    (
        text(),
        text(),
        option::of(text()),
        prop_oneof![Just(VersionScheme::Alpm), Just(VersionScheme::Dpkg)],
    )
        .prop_map(|(name, root, config, version_scheme)| BackendInfo {
            name,
            root,
            config,
            version_scheme,
        })
}

fn status() -> impl Strategy<Value = Status> {
    let security = proptest::option::of((text(), any::<[usize; 4]>(), any::<[i64; 2]>()).prop_map(
        |(feed, n, t)| SecuritySummary {
            feed,
            vulnerable: n[0],
            critical: n[1],
            high: n[2],
            fixable: n[3],
            fetched_at: t[0],
            audited_at: t[1],
        },
    ));
    let runtime = (
        text(),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::collection::vec(text(), 0..3),
    )
        .prop_map(
            |(name, default_spec, default_version, installed)| RuntimeStatus {
                name,
                default_spec,
                default_version,
                installed,
            },
        );
    let runtimes = proptest::collection::vec(runtime, 0..3);
    (text(), any::<[usize; 5]>(), security, runtimes).prop_map(
        |(backend, n, security, runtimes)| Status {
            backend,
            available: n[0],
            installed: n[1],
            explicit: n[2],
            orphans: n[3],
            upgradable: n[4],
            security,
            runtimes,
        },
    )
}

fn finding() -> impl Strategy<Value = Finding> {
    let severity = prop_oneof![
        Just(Severity::Unknown),
        Just(Severity::Low),
        Just(Severity::Medium),
        Just(Severity::High),
        Just(Severity::Critical),
    ];
    (
        vec(text(), 3..4),
        [option::of(text()), option::of(text()), option::of(text())],
        severity,
        [names(), names()],
        any::<bool>(),
    )
        .prop_map(
            |(t, [source, fixed, candidate], severity, [ids, unfixed], upgrade_fixes)| Finding {
                package: t[0].clone(),
                installed: t[1].clone(),
                source,
                compared_version: t[2].clone(),
                fixed,
                severity,
                ids,
                unfixed,
                candidate,
                upgrade_fixes,
            },
        )
}

fn audit() -> impl Strategy<Value = AuditOutcome> {
    let kind = prop_oneof![
        Just(FeedKind::Arch),
        Just(FeedKind::Debian),
        Just(FeedKind::Ubuntu),
        Just(FeedKind::DebianDsa),
        Just(FeedKind::DebianDla),
    ];
    let origin = prop_oneof![
        Just(FeedOrigin::Downloaded),
        Just(FeedOrigin::NotModified),
        Just(FeedOrigin::Cache),
    ];
    (
        (kind, text(), option::of(text()), origin),
        any::<[i64; 2]>(),
        (option::of(text()), names()),
        vec(finding(), 0..3),
    )
        .prop_map(
            |((kind, url, release, origin), t, (warning, advisory_warnings), findings)| {
                AuditOutcome {
                    kind,
                    url,
                    release,
                    origin,
                    fetched_at: t[0],
                    checked_at: t[1],
                    warning,
                    advisory_warnings,
                    findings,
                }
            },
        )
}

fn why() -> impl Strategy<Value = WhyReport> {
    let reason = prop_oneof![
        Just(InstallReason::Explicit),
        Just(InstallReason::Dependency)
    ];
    (
        (text(), text(), reason),
        [names(), names()],
        vec(names(), 0..3),
        any::<usize>(),
    )
        .prop_map(
            |((name, version, reason), [required_by, optional_for], chains, n)| WhyReport {
                name,
                version,
                reason,
                required_by,
                optional_for,
                chains,
                needed_by_explicit: n,
            },
        )
}

fn protocol() -> impl Strategy<Value = (u16, u16)> {
    (any::<u16>(), any::<u16>())
}

/// Every variant; `request_variant` below fails to compile when one is added and not listed.
fn request() -> impl Strategy<Value = Request> {
    prop_oneof![
        (any::<u32>(), protocol(), text()).prop_map(|(magic, protocol, client_version)| {
            Request::Hello {
                magic,
                protocol,
                client_version,
            }
        }),
        (text(), option::of(any::<usize>()), any::<bool>()).prop_map(
            |(text, limit, installed_only)| {
                Request::Search(SearchQuery {
                    text,
                    limit,
                    installed_only,
                })
            }
        ),
        names().prop_map(Request::Info),
        list_kind().prop_map(Request::List),
        Just(Request::Status),
        (text(), any::<u32>()).prop_map(|(prefix, limit)| Request::Suggest { prefix, limit }),
        Just(Request::Ping),
        Just(Request::Stats),
        Just(Request::Invalidate),
        (any::<bool>(), vec((text(), text()), 0..4))
            .prop_map(|(offline, settings)| Request::Audit(AuditRequest { offline, settings })),
        text().prop_map(Request::Why),
        (text(), any::<bool>(), any::<u32>()).prop_map(|(prefix, installed, limit)| {
            Request::Complete {
                prefix,
                installed,
                limit,
            }
        }),
        (
            text(),
            option::of(0usize..100),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(
                |(text, limit, installed_only, aur_only)| Request::SearchAur {
                    query: SearchQuery {
                        text,
                        limit,
                        installed_only,
                    },
                    aur_only,
                }
            ),
        (names(), any::<bool>()).prop_map(|(names, aur_only)| Request::InfoAur { names, aur_only }),
        (
            text(),
            option::of(0usize..100),
            option::of(any::<bool>()),
            any::<[bool; 3]>(),
            option::of(any::<u32>())
        )
            .prop_map(|(text, limit, aur, flags, width)| {
                let query = SearchQuery {
                    text,
                    limit,
                    installed_only: flags[0],
                };
                let output = TextOutput {
                    json: flags[1],
                    quiet: flags[2],
                    color: !flags[1],
                    width,
                };
                // Both requests as text: with and without a file for a large stdout.
                if flags[2] && flags[0] {
                    Request::SearchTextFd { query, aur, output }
                } else {
                    Request::SearchText { query, aur, output }
                }
            }),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        (protocol(), text(), backend(), any::<u64>()).prop_map(
            |(protocol, daemon_version, backend, index_generation)| Response::Welcome {
                protocol,
                daemon_version,
                backend,
                index_generation
            }
        ),
        (protocol(), text()).prop_map(|(daemon_protocol, reason)| Response::Incompatible {
            daemon_protocol,
            reason
        }),
        results().prop_map(Response::Search),
        vec(package(), 0..3).prop_map(Response::Packages),
        vec(summary(), 0..4).prop_map(Response::List),
        status().prop_map(Response::Status),
        names().prop_map(Response::Suggestions),
        Just(Response::Pong),
        any::<[u64; 6]>().prop_map(|n| Response::Stats(DaemonStats {
            packages: n[0],
            index_generation: n[1],
            uptime_ms: n[2],
            cache_hits: n[3],
            cache_misses: n[4],
            requests: n[5],
        })),
        any::<u64>().prop_map(|index_generation| Response::Invalidated { index_generation }),
        (text(), names()).prop_map(|(name, suggestions)| Response::NotFound { name, suggestions }),
        text().prop_map(Response::InvalidRequest),
        any::<u32>().prop_map(|retry_after_ms| Response::Overloaded { retry_after_ms }),
        text().prop_map(Response::PermissionDenied),
        text().prop_map(Response::Internal),
        audit().prop_map(Response::Audit),
        why().prop_map(Response::Why),
        (results(), vec(aur_package(), 0..3))
            .prop_map(|(results, aur)| Response::SearchAur { results, aur }),
        vec(
            prop_oneof![
                package().prop_map(InfoEntry::Repository),
                (aur_package(), option::of(installed()))
                    .prop_map(|(package, installed)| InfoEntry::Aur { package, installed }),
            ],
            0..3
        )
        .prop_map(Response::InfoAur),
        (text(), text(), any::<u8>()).prop_map(|(stdout, stderr, code)| Response::Text {
            stdout,
            stderr,
            code
        }),
        (any::<u64>(), text(), any::<u8>()).prop_map(|(len, stderr, code)| Response::TextFd {
            len,
            stderr,
            code
        }),
    ]
}

/// Index of the variant; exhaustive, so a new variant breaks the build until it is covered.
fn request_variant(r: &Request) -> usize {
    match r {
        Request::Hello { .. } => 0,
        Request::Search(_) => 1,
        Request::Info(_) => 2,
        Request::List(_) => 3,
        Request::Status => 4,
        Request::Suggest { .. } => 5,
        Request::Ping => 6,
        Request::Stats => 7,
        Request::Invalidate => 8,
        Request::Audit(_) => 9,
        Request::Why(_) => 10,
        Request::Complete { .. } => 11,
        Request::SearchAur { .. } => 12,
        Request::InfoAur { .. } => 13,
        Request::SearchText { .. } => 14,
        Request::SearchTextFd { .. } => 15,
    }
}

fn response_variant(r: &Response) -> usize {
    match r {
        Response::Welcome { .. } => 0,
        Response::Incompatible { .. } => 1,
        Response::Search(_) => 2,
        Response::Packages(_) => 3,
        Response::List(_) => 4,
        Response::Status(_) => 5,
        Response::Suggestions(_) => 6,
        Response::Pong => 7,
        Response::Stats(_) => 8,
        Response::Invalidated { .. } => 9,
        Response::NotFound { .. } => 10,
        Response::InvalidRequest(_) => 11,
        Response::Overloaded { .. } => 12,
        Response::PermissionDenied(_) => 13,
        Response::Internal(_) => 14,
        Response::Audit(_) => 15,
        Response::Why(_) => 16,
        Response::SearchAur { .. } => 17,
        Response::InfoAur(_) => 18,
        Response::Text { .. } => 19,
        Response::TextFd { .. } => 20,
    }
}

const REQUEST_VARIANTS: usize = 16;
const RESPONSE_VARIANTS: usize = 21;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn requests_round_trip(id in any::<u64>(), body in request()) {
        let mut wire = Vec::new();
        append_frame(&mut wire, &encode_request(id, body.clone()), DEFAULT_MAX_FRAME).unwrap();
        let payload = blocking::read_frame(&mut &wire[..], DEFAULT_MAX_FRAME).unwrap().unwrap();
        prop_assert_eq!(decode_request(&payload).unwrap(), Envelope { id, body });
    }

    #[test]
    fn responses_round_trip(id in any::<u64>(), body in response()) {
        let mut wire = Vec::new();
        append_frame(&mut wire, &encode_response(id, body.clone()), DEFAULT_MAX_FRAME).unwrap();
        let payload = blocking::read_frame(&mut &wire[..], DEFAULT_MAX_FRAME).unwrap().unwrap();
        prop_assert_eq!(decode_response(&payload).unwrap(), Envelope { id, body });
    }

    #[test]
    fn pipelined_batches_round_trip_async(batch in vec((any::<u64>(), response()), 0..6)) {
        let mut wire = Vec::new();
        for (id, body) in &batch {
            append_frame(&mut wire, &encode_response(*id, body.clone()), DEFAULT_MAX_FRAME).unwrap();
        }
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let back = rt.block_on(async {
            let mut r = &wire[..];
            let mut back = Vec::new();
            while let Some(p) = nonblocking::read_frame(&mut r, DEFAULT_MAX_FRAME).await.unwrap() {
                let env = decode_response(&p).unwrap();
                back.push((env.id, env.body));
            }
            back
        });
        prop_assert_eq!(back, batch);
    }
}

#[test]
fn the_strategies_cover_every_variant() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut req_seen, mut resp_seen) = ([false; REQUEST_VARIANTS], [false; RESPONSE_VARIANTS]);
    let (req, resp) = (request(), response());
    for _ in 0..2000 {
        let r = req.new_tree(&mut runner).unwrap().current();
        req_seen[request_variant(&r)] = true;
        let r = resp.new_tree(&mut runner).unwrap().current();
        resp_seen[response_variant(&r)] = true;
    }
    assert!(req_seen.iter().all(|s| *s), "{req_seen:?}");
    assert!(resp_seen.iter().all(|s| *s), "{resp_seen:?}");
}
