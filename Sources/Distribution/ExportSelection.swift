// Distribution — ExportSelection: which indicator values reach a blocklist. Revoked and expired
// indicators, values on warning lists and the operator's excluded values never do; then the
// reader's filters (type, TLP, confidence, age, sector) and the size cap per list, which keeps the
// highest-severity, freshest values and reports how many it cut.
import Foundation

/// What a consumer asked for (`?type=…&tlp=…&min_confidence=…&age=…&sector=…&limit=…`).
public struct ExportFilter: Sendable, Hashable {
    /// Only these value types (empty: all).
    public var types: Set<ExportValueType> = []
    /// Only indicators marked at most this TLP level (`clear` < `green` < `amber` < `amber+strict` < `red`).
    public var maxTLP: String?
    public var minConfidence: Int?
    /// Only indicators modified within this many seconds.
    public var maxAgeSeconds: Int64?
    /// Only indicators whose provider is in this sector.
    public var sector: String?
    /// At most this many values per value type (a device's list size); nil: no cap.
    public var limitPerList: Int?
    /// The reduced feed of a small member (`ReducedFeed`): only high-confidence, strong-fresh indicators.
    public var reduced = false

    public init(types: Set<ExportValueType> = [], maxTLP: String? = nil, minConfidence: Int? = nil,
                maxAgeSeconds: Int64? = nil, sector: String? = nil, limitPerList: Int? = nil) {
        self.types = types; self.maxTLP = maxTLP; self.minConfidence = minConfidence
        self.maxAgeSeconds = maxAgeSeconds; self.sector = sector; self.limitPerList = limitPerList
    }

    static let tlpOrder = ["clear", "green", "amber", "amber+strict", "red"]

    /// `30d`, `12h`, `90m`, `3600` (seconds) as seconds; nil if malformed.
    public static func age(_ text: String) -> Int64? {
        guard let unit = text.last else { return nil }
        let factors: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        if let factor = factors[unit], let n = Int64(text.dropLast()), n > 0 { return n * factor }
        return Int64(text).flatMap { $0 > 0 ? $0 : nil }
    }
}

/// One indicator with the values of it that were selected.
public struct SelectedIndicator: Sendable, Hashable {
    public var indicator: ExportIndicator
    public var values: [ExportValue]
    public init(indicator: ExportIndicator, values: [ExportValue]) { self.indicator = indicator; self.values = values }
}

/// The selected indicators, in a stable order, and what was left out.
public struct ExportSet: Sendable {
    public var indicators: [SelectedIndicator]
    /// Values cut by `limitPerList`, per type.
    public var cut: [ExportValueType: Int] = [:]
    /// Values left out as warning-listed or excluded.
    public var blocked = 0
    /// Indicators left out as revoked or expired.
    public var withdrawn = 0

    public init(indicators: [SelectedIndicator], cut: [ExportValueType: Int] = [:], blocked: Int = 0, withdrawn: Int = 0) {
        self.indicators = indicators; self.cut = cut; self.blocked = blocked; self.withdrawn = withdrawn
    }

    public var valueCount: Int { indicators.reduce(0) { $0 + $1.values.count } }
    public var cutTotal: Int { cut.values.reduce(0, +) }
}

public enum ExportSelection {
    /// Selects what of `indicators` may reach a blocklist under `filter` at `nowMicroseconds`.
    /// `isBlocked` answers for warning lists and the operator's exclusions.
    ///
    /// ```swift
    /// let set = ExportSelection.select(indicators, filter: ExportFilter(types: [.domain]),
    ///                                  nowMicroseconds: now, isBlocked: { _ in false })
    /// ```
    public static func select<Indicators: Sequence<ExportIndicator>>(
        _ indicators: Indicators, filter: ExportFilter, nowMicroseconds: Int64, isBlocked: (ExportValue) -> Bool
    ) -> ExportSet {
        var set = ExportSet(indicators: [])
        set.indicators.reserveCapacity(indicators.underestimatedCount)
        let maxRank = filter.maxTLP.flatMap { ExportFilter.tlpOrder.firstIndex(of: $0) }
        for indicator in indicators {
            if indicator.revoked || (indicator.validUntilMicroseconds.map { $0 <= nowMicroseconds } ?? false)
                || indicator.freshUntilMicroseconds <= nowMicroseconds {
                set.withdrawn += 1; continue
            }
            if filter.reduced, !ReducedFeed.admits(indicator, nowMicroseconds: nowMicroseconds) { continue }
            if let maxRank, (ExportFilter.tlpOrder.firstIndex(of: indicator.tlp ?? "clear") ?? 4) > maxRank { continue }
            if let minimum = filter.minConfidence, indicator.confidence < minimum { continue }
            if let age = filter.maxAgeSeconds, indicator.modifiedMicroseconds < nowMicroseconds - age * 1_000_000 { continue }
            if let sector = filter.sector, indicator.sector != sector { continue }
            // The common case: every value kept, the indicator's own array shared (nothing copied).
            if indicator.values.allSatisfy({ (filter.types.isEmpty || filter.types.contains($0.type)) && !isBlocked($0) }) {
                if !indicator.values.isEmpty { set.indicators.append(SelectedIndicator(indicator: indicator, values: indicator.values)) }
                continue
            }
            var values: [ExportValue] = []
            for value in indicator.values where filter.types.isEmpty || filter.types.contains(value.type) {
                if isBlocked(value) { set.blocked += 1 } else { values.append(value) }
            }
            if !values.isEmpty { set.indicators.append(SelectedIndicator(indicator: indicator, values: values)) }
        }
        if let limit = filter.limitPerList { cap(&set, limit: limit) }
        sortByID(&set.indicators)
        return set
    }

    /// Sorts by indicator id. Positions are sorted rather than the (large) selected indicators,
    /// each moved once into its place; an input already in order (a log of new arrivals) is kept.
    static func sortByID(_ selected: inout [SelectedIndicator]) {
        guard selected.count > 1 else { return }
        if zip(selected, selected.dropFirst()).allSatisfy({ $0.indicator.stixID <= $1.indicator.stixID }) {
            // Equal ids keep their order, as the stable sort would.
            return
        }
        var order = Array(0..<selected.count)
        selected.withUnsafeBufferPointer { items in
            order.sort { items[$0].indicator.stixID < items[$1].indicator.stixID }
        }
        selected = order.map { selected[$0] }
    }

    /// Keeps at most `limit` values per type: those that stay fresh longest first (freshness joins
    /// confidence, corroboration, sightings and age in one instant), then the highest confidence,
    /// then the newest.
    static func cap(_ set: inout ExportSet, limit: Int) {
        var counts: [ExportValueType: Int] = [:]
        for selected in set.indicators { for value in selected.values { counts[value.type, default: 0] += 1 } }
        guard counts.values.contains(where: { $0 > limit }) else { return }
        let ranked = set.indicators.sorted {
            ($0.indicator.freshUntilMicroseconds, $0.indicator.confidence, $0.indicator.modifiedMicroseconds, $1.indicator.stixID)
                > ($1.indicator.freshUntilMicroseconds, $1.indicator.confidence, $1.indicator.modifiedMicroseconds, $0.indicator.stixID)
        }
        var kept: [ExportValueType: Int] = [:]
        var result: [SelectedIndicator] = []
        for var selected in ranked {
            selected.values = selected.values.filter { value in
                guard kept[value.type, default: 0] < limit else { set.cut[value.type, default: 0] += 1; return false }
                kept[value.type, default: 0] += 1
                return true
            }
            if !selected.values.isEmpty { result.append(selected) }
        }
        set.indicators = result
    }
}

extension ExportFilter {
    /// The filter from request text (`type=ipv4,domain`, `tlp=amber`, `min_confidence=70`,
    /// `age=30d`, `sector=電力`, `limit=50000`); a clear error for a malformed one.
    public static func parse(types: String?, tlp: String?, minConfidence: String?, age: String?, sector: String?,
                             limit: String?) throws -> ExportFilter {
        var filter = ExportFilter()
        for name in (types ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let type = ExportValueType(rawValue: name) else {
                throw ExportRequestError("unknown type \(name.prefix(32)): use ipv4, ipv6, cidr, domain, url, md5, sha1 or sha256")
            }
            filter.types.insert(type)
        }
        if let tlp {
            let level = tlp.lowercased().replacingOccurrences(of: "tlp:", with: "")
            guard tlpOrder.contains(level) else { throw ExportRequestError("unknown TLP \(tlp.prefix(32)): use clear, green, amber, amber+strict or red") }
            filter.maxTLP = level
        }
        if let minConfidence {
            guard let n = Int(minConfidence), (0...100).contains(n) else { throw ExportRequestError("min_confidence is a number from 0 to 100") }
            filter.minConfidence = n
        }
        if let age {
            guard let seconds = ExportFilter.age(age) else { throw ExportRequestError("age is a duration such as 30d, 12h or 90m") }
            filter.maxAgeSeconds = seconds
        }
        if let sector, !sector.isEmpty { filter.sector = sector }
        if let limit {
            guard let n = Int(limit), n > 0 else { throw ExportRequestError("limit is a positive number of entries per list") }
            filter.limitPerList = n
        }
        return filter
    }
}
