// Storage, version series: the versions already stored in one series of an object id (feed, id,
// release, provider), which both back ends consult when an append decides what is new and which
// version is first and latest.

/// The versions (as microseconds) stored in one series of an id, with the oldest and newest.
///
/// ```swift
/// var series = VersionSeries()
/// series.insert(1_700_000_000_000_000)
/// series.newest   // 1_700_000_000_000_000
/// ```
public struct VersionSeries: Sendable {
    public private(set) var versions: Set<Int64> = []
    public private(set) var oldest = Int64.max
    public private(set) var newest = Int64.min

    public init() {}

    public mutating func insert(_ version: Int64) {
        versions.insert(version)
        oldest = min(oldest, version)
        newest = max(newest, version)
    }
}
