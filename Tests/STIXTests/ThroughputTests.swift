// STIXTests — ThroughputTests.swift
// Owns the throughput check: scanning and validating 100,000 small indicators, printed (not
// asserted). Run in release mode for a meaningful figure:
//   swift test -c release --filter ThroughputTests

import Testing
import STIX

@Suite("Throughput")
struct ThroughputTests {
    /// An envelope of `count` small, distinct, valid indicators.
    static func envelope(count: Int) -> [UInt8] {
        var out: [UInt8] = Array(#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":["#.utf8)
        out.reserveCapacity(count * 560)
        for i in 0..<count {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            let hex = String(i, radix: 16)
            let suffix = String(repeating: "0", count: 12 - hex.count) + hex
            let octets = "\(10 + i % 200).\(i / 65536 % 256).\(i / 256 % 256).\(i % 256)"
            out.append(contentsOf: #"{"type":"indicator","spec_version":"2.1","id":"indicator--6b9f2f4e-3c1a-4d2b-9e8f-\#(suffix)","created_by_ref":"identity--7b0e3a52-4c1f-4d8e-9a61-2f5c8d4b1e07","created":"2026-01-24T20:04:39.892Z","modified":"2026-01-24T22:41:44.893Z","name":"C2サーバ \#(octets)","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '\#(octets)']","pattern_type":"stix","valid_from":"2026-01-24T07:23:40.965Z","labels":["c2"],"confidence":80,"object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]}"#.utf8)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    @Test("scan + validate 100k small indicators (printed, not asserted)")
    func throughput() throws {
        #if DEBUG
        let count = 10_000
        let mode = "debug build; use -c release for the real figure"
        #else
        let count = 100_000
        let mode = "release build"
        #endif
        let input = Self.envelope(count: count)
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000)
        var valid = 0
        for _ in 0..<3 {
            valid = 0
            let elapsed = try clock.measure {
                let envelope = try EnvelopeScanner.scan(input)
                for object in envelope.objects {
                    if case .success = STIXValidator.validate(object.value) { valid += 1 }
                }
            }
            best = min(best, elapsed)
        }
        #expect(valid == count)
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        let rate = Int(Double(count) / seconds)
        print("STIX throughput: \(rate) objects/s scanning + validating \(count) indicators of ~\(input.count / count) bytes (\(mode))")
    }
}
