// Opening an existing hub's data directory for a command.
import Accounts
import Foundation
import SQLiteStorage
import Storage

/// The name of the organisation `kakehashi init` creates for the hub operator.
let hubOperatorName = "Kakehashi Hub"

/// An opened hub: its store and the operator's organisation.
struct OpenedHub {
    let store: SQLiteHubStore
    let operatorOrganization: Organization

    /// Opens the hub in `data`; fails with a clear message when `kakehashi init` was not run there.
    static func open(_ data: DataOption) async throws -> OpenedHub {
        let file = data.url.appendingPathComponent("hub.sqlite").path
        guard FileManager.default.fileExists(atPath: file) else {
            throw CommandFailure("no hub in \(data.data); run `kakehashi init --data \(data.data)` first")
        }
        let store = try SQLiteHubStore(directory: data.url)
        guard let hubOrg = try await store.organization(named: hubOperatorName) else {
            throw CommandFailure("the hub in \(data.data) has no operator organisation; was it initialised by kakehashi init?")
        }
        return OpenedHub(store: store, operatorOrganization: hubOrg)
    }

    /// The operator acting as itself (for imports made from the command line).
    var operatorPrincipal: Principal {
        Principal(user: User(id: "cli", organizationID: operatorOrganization.id, email: "cli@localhost",
                             role: .hubAdmin, passwordHash: nil),
                  organization: operatorOrganization)
    }

    /// Creates the data directory, the database and the operator organisation. Idempotent.
    @discardableResult
    static func initialise(_ url: URL) async throws -> (store: SQLiteHubStore, created: Bool) {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let store = try SQLiteHubStore(directory: url)
        if try await store.organization(named: hubOperatorName) != nil { return (store, false) }
        _ = try await store.createOrganization(Organization(name: hubOperatorName, sector: "hub", size: nil,
                                                            country: "JP"))
        return (store, true)
    }
}
