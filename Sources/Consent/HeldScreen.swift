// Consent held screen: which organisations hold an observable's value, so that k-corroboration
// never counts it (and flags whoever reports it): values marked TLP:RED or AMBER+STRICT by a
// reporter, victim identifiers of any submission, every organisation's registered identifiers, its
// users' e-mail addresses, and anything inside the members' domains and address ranges.
import Anonymization
import Foundation
import Storage

/// The held data that matters for a set of observable keys, read from the store at once.
///
/// ```swift
/// let screen = try await HeldScreen.load(from: store, keys: ["domain-name:mail.denryoku-a.example.jp"])
/// screen.holders(of: "domain-name:mail.denryoku-a.example.jp")   // ["<id of 電力A>"]
/// ```
struct HeldScreen {
    /// Exact values (lowercased) and the organisations holding each.
    var exact: [String: Set<String>] = [:]
    /// Member domains: a host or e-mail address inside one is held by its organisation.
    var domains: [String: Set<String>] = [:]
    /// Address ranges (parsed once) and their organisations.
    var ranges = AddressRangeTable<String>()

    static func load(from store: any HubStore, keys: [String]) async throws -> HeldScreen {
        var screen = HeldScreen()
        for member in try await store.memberIdentifiers() {
            screen.add(member.identifier, of: member.organizationID)
        }
        let values = keys.flatMap { Candidates(key: $0).values }
        for held in try await store.heldValues(values) {
            screen.exact[held.value, default: []].insert(held.organizationID)
        }
        for held in try await store.heldAddressRanges() {
            screen.ranges.insert(held.value, owner: held.organizationID)
        }
        return screen
    }

    mutating func add(_ identifier: OrganizationIdentifier, of organization: String) {
        let value = identifier.value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        switch identifier.kind {
        case .domain:
            domains[value, default: []].insert(organization)
        case .email:
            exact[value, default: []].insert(organization)
            if let at = value.lastIndex(of: "@") { domains[String(value[value.index(after: at)...]), default: []].insert(organization) }
        case .addressRange:
            ranges.insert(value, owner: organization)
        case .host, .alias, .account, .project, .person, .phone, .department:
            exact[value, default: []].insert(organization)
        }
    }

    /// The organisations holding the key's value (its own organisation included).
    func holders(of key: String) -> Set<String> {
        let candidates = Candidates(key: key)
        var holders: Set<String> = []
        for value in candidates.values { holders.formUnion(exact[value] ?? []) }
        for domain in candidates.domains { holders.formUnion(domains[domain] ?? []) }
        if let address = candidates.address { holders.formUnion(ranges.owners(of: address)) }
        return holders
    }

    /// What a key is looked up by: its bare value, the host it names (an e-mail address's domain, a
    /// URL's host) and every enclosing domain of that host, and the address it is (or its URL's host is).
    struct Candidates {
        var values: [String]
        var domains: [String] = []
        var address: String?

        init(key: String) {
            let bare = ObservableKey.bareValue(of: key)
            values = [bare]
            let type = key.prefix { $0 != ":" }
            var host: String?
            switch type {
            case "ipv4-addr", "ipv6-addr": address = bare
            case "domain-name": host = bare
            case "email-addr": host = bare.lastIndex(of: "@").map { String(bare[bare.index(after: $0)...]) }
            case "url":
                host = URLComponents(string: bare)?.host?.lowercased()
                    .trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            default: break
            }
            guard let host, !host.isEmpty else { return }
            if AddressRangeText.isAddress(host) {
                address = host
                values.append(host)
                return
            }
            // The host itself and each enclosing domain of two labels or more.
            var labels = host.split(separator: ".", omittingEmptySubsequences: false)
            while labels.count >= 2 {
                domains.append(labels.joined(separator: "."))
                labels.removeFirst()
            }
            values += domains
        }
    }
}
