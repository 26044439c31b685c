// CampaignDesk — CampaignExclusions.swift
// Owns which values never link submissions into a campaign: free-mail domains, the warning lists
// (bundled and the operator's, MISP format: CDN and cloud ranges, public resolvers, the most visited
// domains …) and the operator's own list of values. The dry run (`kakehashi campaigns cluster`) and
// the stored hub use the same.
import Campaigns
import Foundation
import IndicatorExtraction

public enum CampaignExclusions {
    /// Free-mail domains, `warningLists`, and `operatorValues` (normalised hosts or values).
    ///
    /// ```swift
    /// let settings = ClusteringSettings(exclusions: CampaignExclusions.standard())
    /// ```
    public static func standard(operatorValues: Set<String> = [], warningLists: WarningLists = .bundled) -> ValueExclusions {
        let lists = ValueExclusions { kind, value in
            if operatorValues.contains(value) { return "operator exclusions" }
            let indicatorKind: IndicatorKind
            switch kind {
            case .c2Host, .sendingHost, .messageIDDomain, .senderDomain, .envelopeDomain: indicatorKind = .domain
            case .c2IP, .sendingIP: indicatorKind = value.contains(":") ? .ipv6 : .ipv4
            default: return nil
            }
            let indicator = Indicator(kind: indicatorKind, value: value, original: value, line: 0)
            return warningLists.match(indicator).map { "warning list: \($0.name)" }
        }
        return ValueExclusions.freeMail.adding(lists)
    }

    /// The values of an exclusions file: one a line, `#` starts a comment.
    public static func values(ofFile path: String) throws -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CampaignDeskError(.invalid, "cannot read the exclusions file \(path)")
        }
        var listed = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let value = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if !value.isEmpty { listed.insert(ObservableNormalization.host(value) ?? value.lowercased()) }
        }
        return listed
    }
}
