// swift-tools-version: 6.1
import PackageDescription

/// The five Omni services, each an executable over a `<Name>Core` library.
/// The edge is the sixth executable: the public door for channels (commands over HTTP).
let services = ["Customers", "Catalog", "Orders", "Promotions", "Notifications", "Edge"]
/// Services that publish a contracts target (`<Name>Contracts`: their commands and events,
/// each with its stable `ce_type`). Consumers import contracts, never another service's core.
let servicesWithContracts: Set<String> = ["Catalog", "Customers", "Orders", "Promotions", "Notifications"]
/// Other services' contracts a service's core reads (the events it consumes, the commands
/// its saga sends).
let consumedContracts: [String: [String]] = [
    "Orders": ["Catalog", "Customers", "Promotions"],
    "Promotions": ["Customers", "Orders"],
    "Customers": ["Orders", "Notifications"],
    "Notifications": ["Orders", "Customers", "Catalog"],
    // The edge checks a body against the command's contract type before publishing it.
    "Edge": ["Catalog", "Customers", "Orders", "Promotions", "Notifications"],
]

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

var targets: [Target] = [
    // librdkafka from Debian's librdkafka-dev, wrapped by OmniKafka.
    .systemLibrary(
        name: "CRdKafka",
        path: "Shared/CRdKafka",
        pkgConfig: "rdkafka",
        providers: [.apt(["librdkafka-dev"])]
    ),
    .target(
        name: "OmniKafka",
        dependencies: [
            "CRdKafka",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "DequeModule", package: "swift-collections"),
        ],
        path: "Shared/Kafka",
        swiftSettings: swiftSettings
    ),
    .target(
        name: "OmniMessaging",
        dependencies: ["OmniKafka"],
        path: "Shared/Messaging",
        swiftSettings: swiftSettings
    ),
    .target(
        name: "OmniPersistence",
        dependencies: [
            "OmniKafka", "OmniMessaging",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        path: "Shared/Persistence",
        resources: [.copy("Migrations")],
        swiftSettings: swiftSettings
    ),
    // Who may call what: signed JWT credentials (a key set with rotation, a revocation
    // list), the scope catalogue and the roles that bundle scopes.
    .target(
        name: "OmniAuth",
        dependencies: [
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Logging", package: "swift-log"),
        ],
        path: "Shared/Auth",
        swiftSettings: swiftSettings
    ),
    .target(
        name: "OmniRuntime",
        dependencies: [
            "OmniKafka", "OmniMessaging", "OmniPersistence", "OmniAuth",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        path: "Shared/Runtime",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "DevBroker",
        dependencies: [
            "OmniKafka", "OmniMessaging",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        path: "Tools/DevBroker",
        swiftSettings: swiftSettings
    ),
    // `omni-cli`: publish a command from JSON, tail a topic with its envelope decoded.
    .executableTarget(
        name: "OmniCLI",
        dependencies: [
            "OmniKafka", "OmniMessaging", "OmniChannel", "OmniAuth", "CatalogContracts", "CustomersContracts", "OrdersContracts", "PromotionsContracts",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            // Staff members' console passwords, hashed.
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        ],
        path: "Tools/OmniCLI",
        swiftSettings: swiftSettings
    ),
    // What the tools share: a channel (publish commands, follow events topics, wait for
    // outcomes) and a seeded generator.
    .target(
        name: "OmniChannel",
        dependencies: ["OmniKafka", "OmniMessaging", "OmniAuth", .product(name: "Logging", package: "swift-log")],
        path: "Tools/Channel",
        swiftSettings: swiftSettings
    ),
    // The bench's figures that outlive a run: metrics with their targets, two builds'
    // runs side by side, the saturation curve. Pure, unit-tested.
    .target(
        name: "BenchFigures",
        path: "Tools/BenchFigures",
        swiftSettings: swiftSettings
    ),
    // `omni-bench`: the delivery path measured next to raw Kafka and Postgres baselines.
    .executableTarget(
        name: "OmniBench",
        dependencies: [
            "BenchFigures", "OmniKafka", "OmniMessaging", "OmniChannel", "OmniPersistence", "CatalogContracts", "OrdersContracts", "PromotionsContracts",
            "NotificationsContracts", "NotificationsCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ],
        path: "Tools/OmniBench",
        swiftSettings: swiftSettings
    ),
    // `omni-fuzz`: random and mutated commands and HTTP requests against a running stack.
    .executableTarget(
        name: "OmniFuzz",
        dependencies: [
            "OmniKafka", "OmniMessaging", "OmniRuntime", "OmniChannel", "OmniAuth", "CatalogContracts", "CustomersContracts", "OrdersContracts", "PromotionsContracts",
            "NotificationsContracts",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ],
        path: "Tools/OmniFuzz",
        swiftSettings: swiftSettings
    ),
    // `omni-probe`: a minimal service for the process-level delivery tests (kill -9, replicas).
    .executableTarget(
        name: "OmniProbe",
        dependencies: ["OmniRuntime", "OmniPersistence", "OmniMessaging"],
        path: "Tools/OmniProbe",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SharedTests",
        dependencies: [
            "OmniKafka", "OmniMessaging", "OmniPersistence", "OmniRuntime", "OmniAuth", "BenchFigures",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ],
        path: "Tests/SharedTests",
        swiftSettings: swiftSettings
    ),
    // The domain rules of each service, pure and without I/O.
    .testTarget(
        name: "DomainTests",
        dependencies: [
            "CatalogCore", "CatalogContracts", "CustomersCore", "CustomersContracts", "OrdersCore", "OrdersContracts", "PromotionsCore",
            "PromotionsContracts", "NotificationsCore", "NotificationsContracts", "OmniMessaging", "EdgeCore", "OmniAuth",
        ],
        path: "Tests/DomainTests",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "IntegrationTests",
        dependencies: [
            "OmniKafka", "OmniMessaging", "OmniPersistence", "OmniRuntime", "OmniAuth", "OmniChannel", "CatalogContracts", "CustomersContracts",
            "OrdersContracts", "PromotionsContracts", "NotificationsContracts",
            // Its SMTP client, against a real SMTP server.
            "NotificationsCore",
            // Its migrations, to upgrade rows an earlier version stored.
            "PromotionsCore",
            // Its saga handlers, given runs of answers directly.
            "OrdersCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            // A real HTTP receiver standing in for the SMS and push providers.
            .product(name: "Hummingbird", package: "hummingbird"),
            // The WebDriver client of the console's browser tests (chromedriver's headers
            // have no space after the colon, which FoundationNetworking refuses).
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ],
        path: "Tests/IntegrationTests",
        swiftSettings: swiftSettings
    ),
]

var products: [Product] = [
    .executable(name: "omni-dev-broker", targets: ["DevBroker"]),
    .executable(name: "omni-cli", targets: ["OmniCLI"]),
    .executable(name: "omni-bench", targets: ["OmniBench"]),
    .executable(name: "omni-probe", targets: ["OmniProbe"]),
    .executable(name: "omni-fuzz", targets: ["OmniFuzz"]),
]

for service in services {
    let core = "\(service)Core"
    var coreDependencies: [Target.Dependency] = ["OmniRuntime", "OmniPersistence", "OmniMessaging"]
    if servicesWithContracts.contains(service) {
        targets.append(.target(
            name: "\(service)Contracts",
            dependencies: ["OmniMessaging"],
            path: "Services/\(service)/Contracts",
            swiftSettings: swiftSettings
        ))
        coreDependencies.append(.target(name: "\(service)Contracts"))
    }
    coreDependencies += (consumedContracts[service] ?? []).map { .target(name: "\($0)Contracts") }
    // Notifications renders its message templates (files in the repo) with Mustache and
    // reaches SMS and push providers over HTTP webhooks.
    if service == "Notifications" {
        coreDependencies.append(.product(name: "Mustache", package: "swift-mustache"))
        coreDependencies.append(.product(name: "AsyncHTTPClient", package: "async-http-client"))
    }
    // The edge derives command ids with SHA-256; its staff console renders pages with
    // Mustache and checks passwords with bcrypt.
    if service == "Edge" {
        coreDependencies.append(.product(name: "Crypto", package: "swift-crypto"))
        coreDependencies.append("OmniAuth")
        coreDependencies.append(.product(name: "Mustache", package: "swift-mustache"))
        coreDependencies.append(.product(name: "HummingbirdBcrypt", package: "hummingbird-auth"))
        coreDependencies.append(.product(name: "AsyncHTTPClient", package: "async-http-client"))
    }
    targets.append(.target(
        name: core,
        dependencies: coreDependencies,
        path: "Services/\(service)/Core",
        resources: service == "Notifications" ? [.copy("Migrations"), .copy("Templates")]
            : service == "Edge" ? [.copy("Migrations"), .copy("Pages")] : [.copy("Migrations")],
        swiftSettings: swiftSettings
    ))
    targets.append(.executableTarget(
        name: "\(service)Service",
        dependencies: [.target(name: core), "OmniRuntime"],
        path: "Services/\(service)/Main",
        swiftSettings: swiftSettings
    ))
    products.append(.executable(name: service.lowercased(), targets: ["\(service)Service"]))
}

let package = Package(
    name: "Omni",
    platforms: [.macOS(.v15)],
    products: products,
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.0.0"),
    ],
    targets: targets
)
