// swift-tools-version:6.1
// Kakehashi: a cyber-threat information-sharing hub (STIX 2.1 over TAXII 2.1).
//
// One module per concern; dependencies point one way:
//   STIXPatterning <- STIX ------------------------------.
//   AuditTrail <- Storage <- SQLiteStorage, PostgresStorage v
//   Storage <- Accounts <- SharingPolicy <- Ingestion, Consent <- TAXIIServer, HubAPI <- HubServer <- KakehashiCLI
//   SharingPolicy, Campaigns <- Correlation <- Ingestion, HubAPI
//   SharingPolicy, Accounts, HubHTTP <- WebPortal <- HubServer
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kakehashi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kakehashi", targets: ["KakehashiCLI"]),
        .executable(name: "kakehashi-benchmark", targets: ["KakehashiBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // STIX patterning grammar: lexer, parser and syntax tree.
        .target(name: "STIXPatterning", swiftSettings: swiftSettings),
        // STIX 2.1 objects: envelope scanning, validation, identifiers, timestamps.
        .target(name: "STIX", dependencies: ["STIXPatterning", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swiftSettings),
        // The storage protocol and the hub's records (organisations, users, feeds, object versions).
        // The audit trail: events, the sealed hash chain, its verification and the head file.
        .target(name: "AuditTrail", dependencies: [.product(name: "Crypto", package: "swift-crypto"),
                                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                swiftSettings: swiftSettings),
        .target(name: "Storage", dependencies: ["AuditTrail", .product(name: "Crypto", package: "swift-crypto"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                swiftSettings: swiftSettings),
        // Accounts: sign-in by password (bcrypt) or API token, and account administration.
        .target(name: "Accounts", dependencies: [
            "Storage",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        // Storage on SQLite (GRDB): one file, WAL, migrations.
        .target(name: "SQLiteStorage", dependencies: [
            "Storage", "STIX",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ], swiftSettings: swiftSettings),
        // Storage on PostgreSQL (PostgresNIO): the same contract as SQLiteStorage, for hubs that outgrow one file.
        .target(name: "PostgresStorage", dependencies: [
            "Storage", "STIX",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // Who may see what: the one policy engine every read path asks.
        .target(name: "SharingPolicy", dependencies: ["Storage", "Accounts", "STIX", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                swiftSettings: swiftSettings),
        // Anonymization: the anonymised copy of a provider's objects, and the final leak check.
        .target(name: "Anonymization", dependencies: ["STIX", "STIXPatterning", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swiftSettings),
        // IndicatorExtraction: indicators from free text and CSV (refanging, warning lists, PSL, ATT&CK ids)
        // and hourly sensor observations.
        .target(name: "IndicatorExtraction", resources: [.copy("Resources")], swiftSettings: swiftSettings),
        // MailParsing: robust MIME / RFC 5322 parsing of attack e-mails (.eml): people, hops, bodies,
        // links, attachments, zip members.
        .target(name: "MailParsing", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], swiftSettings: swiftSettings),
        // Specimens: the sample vault (検体): AES-GCM at rest by SHA-256, digests and TLSH, file kind,
        // PE facts, the `infected` zip.
        .target(name: "Specimens", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swiftSettings),
        // Extraction: what members hand over (attack e-mails, samples, incident reports, text, CSV,
        // observations) written as STIX 2.1, with the victim identifiers found on the way.
        .target(name: "Extraction", dependencies: ["STIX", "IndicatorExtraction", "MailParsing", "Specimens"],
                swiftSettings: swiftSettings),
        // Campaigns: the traits of reported attack e-mails, the evidence linking submissions, and their
        // clustering into campaign candidates (incremental and full, confirmed campaigns pinned).
        .target(name: "Campaigns", dependencies: ["IndicatorExtraction", "MailParsing", "Specimens"],
                swiftSettings: swiftSettings),
        // CampaignDesk: campaigns on the stored hub — traits written and clustered on arrival, full
        // re-clustering, the analysts' confirm/rename/merge/split/reject, and confirmed campaigns
        // released as anonymised, hub-authored STIX.
        .target(name: "CampaignDesk", dependencies: ["Campaigns", "Storage", "Accounts", "SharingPolicy", "Consent",
                                                     "Anonymization", "STIX", "Ingestion", "Extraction",
                                                     "IndicatorExtraction", "Correlation", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: swiftSettings),
        // Correlation: the observable index's entries (normalised values of every stored version),
        // exclusion lists, and which submissions share values, as each reader may see it.
        .target(name: "Correlation", dependencies: ["Storage", "Accounts", "SharingPolicy", "STIX", "STIXPatterning",
                                                    "IndicatorExtraction", "Campaigns"],
                resources: [.copy("Resources")], swiftSettings: swiftSettings),
        // Ingestion: turning what members hand over (STIX envelopes for now) into stored submissions.
        .target(name: "Ingestion", dependencies: ["STIX", "Storage", "Accounts", "SharingPolicy", "Consent",
                                                  "Extraction", "Specimens", "Correlation"],
                swiftSettings: swiftSettings),
        // Consent: releases of held submissions, revocation, who received what.
        .target(name: "Consent", dependencies: ["Storage", "SharingPolicy", "Accounts", "STIX", "STIXPatterning", "Anonymization",
                                               "IndicatorExtraction", "Correlation"],
                swiftSettings: swiftSettings),
        // SharingMetrics: the measures of sharing value (seed 001): coverage, lead time, daily counts.
        .target(name: "SharingMetrics", dependencies: ["Storage", "SharingPolicy", "Accounts", "STIX", "STIXPatterning", "Consent"],
                swiftSettings: swiftSettings),
        // Distribution: blocklists members' devices apply (Suricata, RPZ, Zeek intel, MISP, EDL, CSV),
        // read through the policy engine and cached per reader; the format writers are pure.
        .target(name: "Distribution", dependencies: [
            "Storage", "STIX", "STIXPatterning", "SharingPolicy", "Accounts", "IndicatorExtraction",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], swiftSettings: swiftSettings),
        // Alerts: members' subscriptions to new indicators, sent by e-mail (SMTP relay, over SwiftNIO) and
        // signed webhooks, at once for urgent feeds or as daily/weekly digests; each alert read through
        // the policy engine as its recipient when it is sent.
        .target(name: "Alerts", dependencies: [
            "Storage", "Accounts", "SharingPolicy", "STIX", "Correlation", "Campaigns",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // HubHTTP: what every HTTP interface of the hub shares: request context, sign-in, error format.
        .target(name: "HubHTTP", dependencies: [
            "Accounts", "Storage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        // TAXII 2.1 server over HTTP (Hummingbird).
        .target(name: "TAXIIServer", dependencies: [
            "Storage", "STIX", "SharingPolicy", "Accounts", "Ingestion", "HubHTTP", "Consent", "Distribution",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // HubAPI: the JSON API under /api/v1 (submissions, releases, recipients), with its OpenAPI document.
        .target(name: "HubAPI", dependencies: [
            "Storage", "STIX", "SharingPolicy", "Accounts", "Ingestion", "Consent", "Anonymization", "HubHTTP",
            "Extraction", "Specimens", "IndicatorExtraction", "SharingMetrics", "Distribution", "CampaignDesk", "Correlation",
            "Alerts",
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ], swiftSettings: swiftSettings),
        // WebPortal: the members' web portal under /portal (server-rendered Mustache pages, Japanese and
        // English, session sign-in with CSRF tokens), reading through the same policy engine.
        .target(name: "WebPortal", dependencies: [
            "Storage", "STIX", "SharingPolicy", "Accounts", "HubHTTP", "Consent", "Specimens", "Ingestion",
            "Extraction", "IndicatorExtraction", "SharingMetrics", "CampaignDesk", "Correlation", "Anonymization", "PortalCharts",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Templates"), .copy("Messages"), .copy("Static")], swiftSettings: swiftSettings),
        // HubServer: composes the HTTP interfaces into one application.
        .target(name: "HubServer", dependencies: [
            "Storage", "SharingPolicy", "Anonymization", "HubHTTP", "TAXIIServer", "HubAPI", "WebPortal", "Consent", "Specimens",
            "IndicatorExtraction", "SharingMetrics", "CampaignDesk", "Campaigns", "Distribution", "Alerts",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: swiftSettings),
        // Realistic demo and benchmark corpora (Japanese and English STIX).
        .target(name: "DemoCorpus", swiftSettings: swiftSettings),
        // PortalCharts: the portal dashboard's server-drawn inline SVG charts and their CSV (pure: Foundation only).
        .target(name: "PortalCharts", swiftSettings: swiftSettings),
        // Test helpers: temporary stores, a live server on a free port.
        .target(name: "HubTesting", dependencies: [
            "Storage", "SQLiteStorage", "PostgresStorage", "Accounts",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // The `kakehashi` command.
        .executableTarget(name: "KakehashiCLI", dependencies: [
            "Storage", "SQLiteStorage", "PostgresStorage", "TAXIIServer", "DemoCorpus", "STIX", "Accounts", "Ingestion", "SharingPolicy",
            "HubServer", "HubHTTP", "Anonymization", "Consent", "Extraction", "IndicatorExtraction", "Specimens", "Campaigns",
            "SharingMetrics", "CampaignDesk", "Distribution", "Correlation", "Alerts",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: swiftSettings),
        // Release-mode benchmark: Kakehashi against OASIS medallion.
        .executableTarget(name: "KakehashiBenchmark", dependencies: [
            "Storage", "SQLiteStorage", "PostgresStorage", "TAXIIServer", "DemoCorpus", "STIX", "Accounts", "Ingestion", "SharingPolicy",
            "HubServer", "Anonymization", "Consent", "MailParsing", "Specimens", "Extraction", "Campaigns", "CampaignDesk",
            "Distribution", "Correlation",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ], swiftSettings: swiftSettings),

        .testTarget(name: "STIXPatterningTests", dependencies: ["STIXPatterning"]),
        .testTarget(name: "STIXTests", dependencies: ["STIX"]),
        .testTarget(name: "DistributionTests", dependencies: ["Distribution", "STIX", "STIXPatterning", "Storage"]),
        .testTarget(name: "IndicatorExtractionTests", dependencies: ["IndicatorExtraction"]),
        .testTarget(name: "ExtractionTests", dependencies: ["Extraction", "STIX", "IndicatorExtraction", "Specimens"]),
        .testTarget(name: "MailParsingTests", dependencies: ["MailParsing"], exclude: ["Corpus"]),
        .testTarget(name: "SpecimensTests", dependencies: ["Specimens", .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "CampaignsTests", dependencies: ["Campaigns", "MailParsing", "Extraction", "Specimens"]),
        .testTarget(name: "CampaignDeskTests", dependencies: [
            "CampaignDesk", "Campaigns", "HubTesting", "Storage", "Ingestion", "Accounts", "SharingPolicy", "Consent",
            "Anonymization", "STIX", "Extraction", "MailParsing",
        ]),
        .testTarget(name: "CorrelationTests", dependencies: ["Correlation", "Consent", "Storage", "STIX", "HubTesting", "Accounts",
                                                         "SharingPolicy", "Ingestion"]),
        .testTarget(name: "AnonymizationTests", dependencies: ["Anonymization", "STIX"]),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts", "HubTesting", "Storage", "Accounts", "SharingPolicy",
                                                    "Ingestion", "Consent", "Anonymization", "STIX"]),
        .testTarget(name: "PortalChartsTests", dependencies: ["PortalCharts"]),
        // The sharing rules attacked from every read path, against a separate statement of the rules.
        .testTarget(name: "SharingPolicyTests", dependencies: [
            "Storage", "SQLiteStorage", "HubTesting", "STIX", "Accounts", "SharingPolicy", "Consent", "Anonymization",
            "Ingestion", "HubServer", "HubHTTP", "TAXIIServer", "HubAPI",
            .product(name: "PropertyBased", package: "swift-property-based"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "SharingMetricsTests", dependencies: [
            "SharingMetrics", "Storage", "HubTesting", "Accounts", "SharingPolicy", "Consent", "Ingestion", "STIX",
            "Anonymization",
        ], exclude: ["Fixtures"]),
        .testTarget(name: "StorageTests", dependencies: [
            "Storage", "SQLiteStorage", "PostgresStorage", "HubTesting", "STIX", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // The portal's pages over HTTP against a real store: sessions, CSRF, catalogues, visibility.
        .testTarget(name: "WebPortalTests", dependencies: [
            "WebPortal", "HubServer", "HubHTTP", "HubTesting", "Storage", "Accounts", "SharingPolicy", "STIX",
            "Anonymization", "Consent", "Ingestion", "Specimens",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "TAXIIServerTests", dependencies: [
            "Storage", "SQLiteStorage", "PostgresStorage", "TAXIIServer", "HubTesting", "STIX", "DemoCorpus", "Accounts",
            "Consent", "Anonymization", "SharingPolicy", "HubServer", "HubHTTP", "Ingestion",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
    ]
)
