// IndicatorExtractionTests — ObservationTests.swift
// Darknet and malware-activity CSV aggregated per UTC hour; timestamps; time-range filtering.

import Foundation
import Testing
@testable import IndicatorExtraction

@Suite struct ObservationTests {
    static func utc(_ s: String) -> Date { ObservationTimestamp.parse(s)! }

    @Test func timestamps() {
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        let expected = Date(timeIntervalSince1970: 1714522500)   // 2024-05-01T00:15:00Z
        #expect(ObservationTimestamp.parse("2024-05-01T00:15:00Z") == expected)
        #expect(ObservationTimestamp.parse("2024-05-01T09:15:00+09:00") == expected)
        #expect(ObservationTimestamp.parse("2024-05-01T09:15:00+0900") == expected)
        #expect(ObservationTimestamp.parse("2024-05-01 00:15:00") == expected)
        #expect(ObservationTimestamp.parse("2024/05/01 09:15:00", timeZone: tokyo) == expected)
        #expect(ObservationTimestamp.parse("2024-05-01T00:15:00.250Z") == expected.addingTimeInterval(0.25))
        #expect(ObservationTimestamp.parse("1714522500") == expected)
        #expect(ObservationTimestamp.parse("1714522500000") == expected)
        #expect(ObservationTimestamp.parse("2024/13/01 00:00:00") == nil)
        #expect(ObservationTimestamp.parse("yesterday") == nil)
    }

    @Test func darknetAggregationPerHourAndSource() {
        let csv = """
        timestamp,src_ip,dst_port,protocol,packets
        2024/05/01 09:00:05,198.51.100.7,23,tcp,3
        2024/05/01 09:10:00,198.51.100.7,2323,TCP,2
        2024/05/01 09:59:59,198.51.100.7,23,6,1
        2024/05/01 10:00:00,198.51.100.7,23,tcp,4
        2024/05/01 09:30:00,45.77.12.9,,icmp,10
        2024/05/01 09:31:00,45.77.12.9,53,17,5
        2024/05/01 09:32:00,not-an-ip,53,udp,5
        2024/05/01 25:00:00,45.77.12.9,53,udp,5
        2024/05/01 09:33:00,45.77.12.9,70000,udp,5
        2024/05/01 09:34:00,45.77.12.9,53,udp,-2
        """
        let reader = DarknetObservationReader(timeZone: TimeZone(identifier: "Asia/Tokyo")!)
        let result = reader.read(csv: csv)
        #expect(result.rowsRead == 6)
        #expect(result.problems.map(\.line) == [8, 9, 10, 11])
        #expect(result.observations.count == 3)
        let first = result.observations[0], second = result.observations[1], third = result.observations[2]
        #expect(first.hourStart == Self.utc("2024-05-01T00:00:00Z"))
        #expect(first.sourceIP == "45.77.12.9")
        #expect(first.count == 15 && first.destinationPorts == [53: 5] && first.protocols == ["icmp", "udp"])
        #expect(second.sourceIP == "198.51.100.7" && second.hourStart == first.hourStart)
        #expect(second.count == 6 && second.destinationPorts == [23: 4, 2323: 2] && second.protocols == ["tcp"])
        #expect(second.firstSeen == Self.utc("2024-05-01T00:00:05Z") && second.lastSeen == Self.utc("2024-05-01T00:59:59Z"))
        #expect(third.hourStart == Self.utc("2024-05-01T01:00:00Z") && third.count == 4)
        let filtered = result.observations.within(from: Self.utc("2024-05-01T00:30:00Z"), to: Self.utc("2024-05-01T01:00:00Z"))
        #expect(filtered.count == 2)
        #expect(result.observations.within(from: Self.utc("2024-05-01T01:00:00Z"), to: Self.utc("2024-05-02T00:00:00Z")).count == 1)
    }

    @Test func darknetHeaderVariantsAndNoHeader() {
        let japanese = DarknetObservationReader().read(csv: "日時,送信元IP,宛先ポート,プロトコル,件数\n1714521600,203.0.113.5,445,tcp,7\n")
        #expect(japanese.observations.first?.count == 7)
        let bare = DarknetObservationReader().read(csv: "2024-05-01T00:00:01Z,203.0.113.5,445,tcp\n2024-05-01T00:00:02Z,203.0.113.5,445,tcp\n")
        #expect(bare.observations.first?.count == 2)
        #expect(bare.observations.first?.destinationPorts == [445: 2])
    }

    @Test func malwareActivityAggregation() {
        let csv = """
        time,malware_name,source,dport,count
        2024-05-01T10:05:00Z,Mirai,203.0.113.50,23,12
        2024-05-01T10:45:00Z,Mirai,203.0.113.50,2323,3
        2024-05-01T10:50:00Z,Gafgyt,203.0.113.50,23,1
        2024-05-01T10:55:00Z,Mirai,bot.evil-c2[.]net,23,2
        2024-05-01T11:05:00Z,Mirai,203.0.113.50,23,5
        2024-05-01T11:06:00Z,,203.0.113.50,23,5
        """
        let result = MalwareActivityReader().read(csv: csv)
        #expect(result.problems.map(\.line) == [7])
        #expect(result.observations.count == 4)
        let mirai = result.observations[1]
        #expect(result.observations[0].malwareFamily == "Gafgyt")
        #expect(mirai.source == "203.0.113.50" && mirai.malwareFamily == "Mirai" && mirai.count == 15)
        #expect(mirai.destinationPorts == [23: 12, 2323: 3])
        #expect(result.observations[2].source == "bot.evil-c2.net")
        #expect(result.observations[3].hourStart == Self.utc("2024-05-01T11:00:00Z"))
    }
}
