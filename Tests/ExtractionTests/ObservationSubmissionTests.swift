// Extraction — ObservationSubmissionTests.swift
// Tests darknet logs and malware-activity statistics written as hourly observed-data: the
// aggregation numbers, the source and network-traffic observables, the per-port counts, the hours
// listed for range queries, clamping of number_observed, and bad rows as warnings.
import Foundation
import STIX
import Testing
@testable import Extraction

@Suite struct ObservationSubmissionTests {
    static let tokyo = TimeZone(identifier: "Asia/Tokyo")!

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func darknetHoursPerSource() throws {
        let csv = """
        time,src_ip,dst_port,proto,count
        2024/05/01 09:00:05,198.51.100.7,23,tcp,3
        2024/05/01 09:10:00,198.51.100.7,2323,tcp,2
        2024/05/01 09:59:59,198.51.100.7,23,tcp,1
        2024/05/01 10:00:01,198.51.100.7,23,tcp,4
        2024/05/01 09:30:00,203.0.113.9,53,udp,7
        2024/05/01 09:31:00,203.0.113.9,,icmp,2
        2024/05/01 09:32:00,2001:db8:5::1,445,tcp,1
        yesterday,198.51.100.7,23,tcp,1
        2024/05/01 09:40:00,not-an-ip,23,tcp,1
        2024/05/01 09:41:00,198.51.100.7,99999,tcp,1
        """
        let extracted = try ObservationSubmission.darknet(csv: Array(csv.utf8), timeZone: Self.tokyo)
        try SubmissionChecks.expectWellFormed(extracted, name: "darknet")

        // 09:xx JST is 00:xx UTC.
        let hours = extracted.observationHours
        #expect(hours.map(\.source) == ["198.51.100.7", "203.0.113.9", "2001:db8:5::1", "198.51.100.7"])
        #expect(hours.map(\.hourStart) == [Self.date("2024-05-01T00:00:00Z"), Self.date("2024-05-01T00:00:00Z"),
                                           Self.date("2024-05-01T00:00:00Z"), Self.date("2024-05-01T01:00:00Z")])
        let observed = SubmissionChecks.objects(extracted, type: "observed-data")
        #expect(observed.count == 4)
        #expect(Set(hours.map(\.stixID)) == Set(observed.compactMap { $0["id"]?.stringValue }))

        let first = try #require(SubmissionChecks.object(extracted, id: hours[0].stixID))
        #expect(first["first_observed"] == "2024-05-01T00:00:05.000Z")
        #expect(first["last_observed"] == "2024-05-01T00:59:59.000Z")
        #expect(first["number_observed"]?.integerValue == 6)
        #expect(first["x_kakehashi_ports"] == ["23": 4, "2323": 2])
        let sourceID = ObservableID.value(type: "ipv4-addr", value: "198.51.100.7")
        let refs = first["object_refs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(refs.first == sourceID)
        let traffic = refs.dropFirst().compactMap { SubmissionChecks.object(extracted, id: $0) }
        #expect(traffic.map { $0["dst_port"]?.integerValue } == [23, 2323])
        for t in traffic {
            #expect(t["type"] == "network-traffic")
            #expect(t["src_ref"]?.stringValue == sourceID)
            #expect(t["protocols"] == ["tcp"])
        }

        // The next hour reuses the same observables (deterministic ids, written once).
        let later = try #require(SubmissionChecks.object(extracted, id: hours[3].stixID))
        #expect(later["number_observed"]?.integerValue == 4)
        #expect(later["object_refs"]?.arrayValue?.first?.stringValue == sourceID)
        #expect(SubmissionChecks.objects(extracted, type: "ipv4-addr").count == 2)

        // Two protocols: the ports' transport is unknown, only the network layer is said.
        let mixed = try #require(SubmissionChecks.object(extracted, id: hours[1].stixID))
        #expect(mixed["number_observed"]?.integerValue == 9)
        #expect(mixed["x_kakehashi_ports"] == ["53": 7])
        #expect(mixed["x_kakehashi_protocols"] == ["icmp", "udp"])
        let mixedTraffic = try #require(mixed["object_refs"]?.arrayValue?.last?.stringValue.flatMap { SubmissionChecks.object(extracted, id: $0) })
        #expect(mixedTraffic["protocols"] == ["ipv4"])
        #expect(mixedTraffic["dst_port"]?.integerValue == 53)

        let v6 = try #require(SubmissionChecks.object(extracted, id: hours[2].stixID))
        #expect(v6["object_refs"]?.arrayValue?.first?.stringValue == ObservableID.value(type: "ipv6-addr", value: "2001:db8:5::1"))

        #expect(extracted.warnings == [
            "line 9: time 'yesterday' is not a date and time",
            "line 10: source 'not-an-ip' is not an IP address",
            "line 11: destination port '99999' is not 0…65535",
        ])
    }

    @Test func malwareActivityNamesTheFamily() throws {
        let csv = """
        timestamp,malware_family,src_ip,dst_port,count
        2024-05-01T10:05:00Z,Mirai,203.0.113.50,23,12
        2024-05-01T10:45:00Z,Mirai,203.0.113.50,2323,8
        2024-05-01T10:50:00Z,Gafgyt,203.0.113.50,23,1
        2024-05-01T11:00:00Z,Emotet,c2.bad-example.net,8080,0
        2024-05-01T12:00:00Z,Mirai,203.0.113.51,23,2000000000
        """
        let extracted = try ObservationSubmission.malwareActivity(csv: Array(csv.utf8))
        try SubmissionChecks.expectWellFormed(extracted, name: "malware-activity")
        let observed = extracted.observationHours.compactMap { SubmissionChecks.object(extracted, id: $0.stixID) }
        #expect(observed.map { $0["x_kakehashi_malware"]?.stringValue } == ["Gafgyt", "Mirai", "Emotet", "Mirai"])
        let mirai = observed[1]
        #expect(mirai["number_observed"]?.integerValue == 20)
        #expect(mirai["x_kakehashi_ports"] == ["23": 12, "2323": 8])
        let traffic = (mirai["object_refs"]?.arrayValue ?? []).dropFirst().compactMap { $0.stringValue.flatMap { SubmissionChecks.object(extracted, id: $0) } }
        #expect(traffic.map { $0["protocols"] } == [["ipv4"], ["ipv4"]])

        // A host-name source is a domain-name; a zero count is written as 1; a huge one clamped.
        let emotet = observed[2]
        #expect(emotet["object_refs"] == [.string(ObservableID.value(type: "domain-name", value: "c2.bad-example.net"))])
        #expect(emotet["number_observed"]?.integerValue == 1)
        #expect(emotet["x_kakehashi_ports"] == ["8080": 0])
        let huge = observed[3]
        #expect(huge["number_observed"]?.integerValue == 999_999_999)
        #expect(huge["x_kakehashi_count"]?.integerValue == 2_000_000_000)
        #expect(extracted.warnings.count == 2)
        #expect(extracted.warnings.contains { $0.hasPrefix("Emotet from c2.bad-example.net at 2024-05-01T11:00:00.000Z: count 0 written as 1") })
        #expect(extracted.warnings.contains { $0.contains("count 2000000000 written as 999999999") })
    }

    @Test func emptyAndUndecodableInput() throws {
        let empty = try ObservationSubmission.darknet(csv: Array("time,src_ip\n".utf8))
        #expect(empty.objects.isEmpty)
        #expect(empty.warnings == ["no observations read (0 rows aggregated)"])
        #expect(throws: ExtractionError.self) { try ObservationSubmission.darknet(csv: [0xEF, 0xBB, 0xBF, 0xFF, 0xFE]) }
    }
}
