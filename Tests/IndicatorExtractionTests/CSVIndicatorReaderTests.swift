// IndicatorExtractionTests — CSVIndicatorReaderTests.swift
// CSV with a column mapping: quoting, headers, auto detection, bad rows, BOM and Shift_JIS input.

import Foundation
import Testing
@testable import IndicatorExtraction

@Suite struct CSVIndicatorReaderTests {
    let reader = CSVIndicatorReader()

    @Test func recordsFollowRFC4180() {
        let (records, problems) = CSVRecords.parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\nlast,,\n")
        #expect(problems.isEmpty)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(records.map(\.line) == [1, 2, 5])
        let open = CSVRecords.parse("a\n\"never closed\n")
        #expect(open.problems.count == 1)
    }

    @Test func mappingByHeaderName() {
        let csv = """
        indicator,type_hint,説明,first_seen,tags
        hxxp://evil[.]com/a,url,"C2 URL, stage 1",2024-05-01 09:00:00,c2;apt-x
        "45.77.12.9, 10.0.0.8",ips,"two IPs, one private",2024/05/02 10:00:00,c2
        nothing here,x,,,
        """
        var mapping = ColumnMapping(indicators: [("indicator", .auto)], description: "説明", firstSeen: "first_seen", tags: "tags")
        mapping.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        let result = reader.read(csv: csv, mapping: mapping)
        #expect(result.indicators.map(\.value) == ["http://evil.com/a", "45.77.12.9"])
        #expect(result.records[0].description == "C2 URL, stage 1")
        #expect(result.records[0].tags == ["c2", "apt-x"])
        #expect(result.records[0].firstSeen == Date(timeIntervalSince1970: 1714521600))   // 2024-05-01T00:00:00Z
        #expect(result.records[1].indicator.line == 3)
        #expect(result.dropped.map(\.indicator.value) == ["10.0.0.8"])
        #expect(result.problems == [RowProblem(line: 4, reason: "column 'indicator': no indicator found in 'nothing here'")])
    }

    @Test func typedColumnsByIndexWithoutHeader() {
        let csv = """
        203.0.113.77,d41d8cd98f00b204e9800998ecf8427e,evil.co.jp
        185.220.101.34:443,0a1b2c3d4e5f60718293a4b5c6d7e8f9,bad_domain
        999.1.1.1,xyz,update.microsoft.com
        2a01:4f8::25,,T1566.001
        """
        let mapping = ColumnMapping(indicators: [(0, .ip), (1, .kind(.md5)), (2, .kind(.domain))])
        let result = reader.read(csv: csv, mapping: mapping)
        #expect(result.indicators.map(\.value) == ["evil.co.jp", "185.220.101.34", "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "2a01:4f8::25"])
        #expect(result.indicators[1].port == 443)
        #expect(Set(result.dropped.map(\.indicator.value)) == ["203.0.113.77", "d41d8cd98f00b204e9800998ecf8427e", "update.microsoft.com"])
        #expect(result.problems.map(\.line) == [2, 3, 3, 4])
        #expect(result.problems[0].reason == "column #2: 'bad_domain' is not a valid domain name")
        #expect(result.problems[1].reason == "column #0: '999.1.1.1' is not a valid IP address")
    }

    @Test func columnKindsFromNames() {
        #expect(ColumnContent("ip") == .ip)
        #expect(ColumnContent("SHA256") == .kind(.sha256))
        #expect(ColumnContent("attack-technique") == .kind(.attackTechnique))
        #expect(ColumnContent("auto") == .auto)
        #expect(ColumnContent("colour") == nil)
    }

    @Test func missingHeaderColumnIsReported() {
        let result = reader.read(csv: "ip,note\n8.8.4.4,x\n", mapping: ColumnMapping(indicators: [("address", .ip), ("ip", .ip)]))
        #expect(result.indicators.map(\.value) == ["8.8.4.4"])
        #expect(result.problems.first?.reason == "no column 'address' in the header")
    }

    @Test func utf8WithBOMAndShiftJIS() throws {
        let csv = "通信先,種別,備考\r\n\"evil［.］jp\",ドメイン,\"「請求書」攻撃, 第2波\"\r\n①不正,x,y\r\n"
        var bom = Data([0xEF, 0xBB, 0xBF]); bom.append(Data(csv.utf8))
        let mapping = ColumnMapping(indicators: [("通信先", .kind(.domain))], description: "備考")
        let fromBOM = try reader.read(data: bom, mapping: mapping)
        #expect(fromBOM.indicators.map(\.value) == ["evil.jp"])
        #expect(fromBOM.records.first?.description == "「請求書」攻撃, 第2波")
        let sjis = try #require(csv.data(using: .shiftJIS))
        #expect(try TextDecoding.decodeDetectingEncoding(sjis).encoding == .shiftJIS)
        let fromSJIS = try reader.read(data: sjis, mapping: mapping)
        #expect(fromSJIS.indicators.map(\.value) == ["evil.jp"])
        #expect(fromSJIS.records.first?.description == "「請求書」攻撃, 第2波")
        #expect(fromSJIS.problems.map(\.line) == [3])
    }
}
