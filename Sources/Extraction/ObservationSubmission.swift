// Extraction — ObservationSubmission.swift
// Owns sensor observations written as STIX 2.1: darknet logs (what nicter registers) and
// malware-activity statistics (what PRACTICE registers), aggregated per UTC hour and source, each
// hour one `observed-data` over the source address and its `network-traffic`, with per-port
// counts; the hours are listed for range queries and bad rows become warnings with line numbers.
import Foundation
import IndicatorExtraction
import STIX

/// Darknet and malware-activity observations as STIX `observed-data`, one per hour and source.
///
/// Each `observed-data` has `first_observed`/`last_observed` (the first and last row of the hour),
/// `number_observed` (the hour's total count, kept within 1…999,999,999), `object_refs` (the source
/// `ipv4-addr`/`ipv6-addr`/`domain-name` and one `network-traffic` per destination port, `src_ref`
/// the source) and `x_kakehashi_ports` (`{"23": 120, …}`, count per destination port). The
/// observables have deterministic ids, so a source seen in many hours is written once. No `report`
/// is written (a day of sensor data is thousands of objects).
public enum ObservationSubmission {
    /// The largest `number_observed` STIX allows.
    public static let maximumNumberObserved = 999_999_999

    /// Darknet packets (time, source IP, destination port, protocol, count), counts in packets.
    ///
    /// ```swift
    /// let csv = Array("time,src_ip,dst_port,proto,count\n2024/05/01 09:00:05,198.51.100.7,23,tcp,3\n".utf8)
    /// let extracted = try ObservationSubmission.darknet(csv: csv, timeZone: TimeZone(identifier: "Asia/Tokyo")!)
    /// extracted.observationHours[0]   // hourStart 2024-05-01T00:00Z, source "198.51.100.7", stixID "observed-data--…"
    /// ```
    ///
    /// - Throws: `ExtractionError` when the bytes are not text in a supported encoding.
    public static func darknet(csv: [UInt8], timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                               author: STIXAuthoring = STIXAuthoring()) throws(ExtractionError) -> ExtractedSubmission {
        let result: ObservationReadResult<HourlyObservation>
        do { result = try DarknetObservationReader(timeZone: timeZone).read(data: Data(csv)) } catch {
            throw ExtractionError("the darknet CSV cannot be read: \(error)")
        }
        var writer = Writer(author: author, problems: result.problems)
        for hour in result.observations {
            writer.write(Hour(start: hour.hourStart, source: hour.sourceIP, firstSeen: hour.firstSeen,
                              lastSeen: hour.lastSeen, count: hour.count, ports: hour.destinationPorts,
                              protocols: hour.protocols, malware: nil))
        }
        return writer.finish(rowsRead: result.rowsRead)
    }

    /// Malware activity (time, malware family, source IP or host, destination port, count), one
    /// `observed-data` per hour, source and family, with `x_kakehashi_malware` naming the family.
    ///
    /// ```swift
    /// let csv = Array("timestamp,malware_family,src_ip,dst_port,count\n2024-05-01T10:05:00Z,Mirai,203.0.113.50,23,12\n".utf8)
    /// let extracted = try ObservationSubmission.malwareActivity(csv: csv)
    /// extracted.objects.first { $0["type"] == "observed-data" }?["x_kakehashi_malware"]   // "Mirai"
    /// ```
    ///
    /// - Throws: `ExtractionError` when the bytes are not text in a supported encoding.
    public static func malwareActivity(csv: [UInt8], timeZone: TimeZone = TimeZone(identifier: "UTC")!,
                                       author: STIXAuthoring = STIXAuthoring()) throws(ExtractionError) -> ExtractedSubmission {
        let result: ObservationReadResult<HourlyMalwareActivity>
        do { result = try MalwareActivityReader(timeZone: timeZone).read(data: Data(csv)) } catch {
            throw ExtractionError("the malware-activity CSV cannot be read: \(error)")
        }
        var writer = Writer(author: author, problems: result.problems)
        for hour in result.observations {
            writer.write(Hour(start: hour.hourStart, source: hour.source, firstSeen: hour.firstSeen,
                              lastSeen: hour.lastSeen, count: hour.count, ports: hour.destinationPorts,
                              protocols: [], malware: hour.malwareFamily))
        }
        return writer.finish(rowsRead: result.rowsRead)
    }

    /// One hourly aggregate, whichever reader made it.
    struct Hour {
        var start: Date
        var source: String
        var firstSeen: Date
        var lastSeen: Date
        var count: Int
        var ports: [Int: Int]
        /// Transport protocols seen (lowercased); empty when the log does not say.
        var protocols: [String]
        var malware: String?
    }

    struct Writer {
        var author: STIXAuthoring
        var warnings = WarningLines(limit: TextSubmission.droppedWarningLimit)
        var hours: [ExtractedObservationHour] = []

        init(author: STIXAuthoring, problems: [RowProblem]) {
            self.author = author
            for problem in problems { warnings.add(problem.description) }
        }

        mutating func write(_ hour: Hour) {
            let sourceID: String
            let networkLayer: String?
            if hour.source.contains(":") {
                sourceID = author.observable("ipv6-addr", ["value": .string(hour.source)]); networkLayer = "ipv6"
            } else if hour.source.allSatisfy({ $0.isNumber || $0 == "." }) {
                sourceID = author.observable("ipv4-addr", ["value": .string(hour.source)]); networkLayer = "ipv4"
            } else {
                sourceID = author.observable("domain-name", ["value": .string(hour.source)]); networkLayer = nil
            }
            // One transport protocol: it is each port's. Several, or none said: only the network
            // layer is certain (the readers do not pair ports with protocols).
            let stack: [String]? = hour.protocols.count == 1 ? hour.protocols : networkLayer.map { [$0] }
            var refs = [sourceID]
            if let stack {
                let protocols = JSONValue.array(stack.map { .string($0) })
                if hour.ports.isEmpty {
                    if !hour.protocols.isEmpty {
                        refs.append(author.observable("network-traffic", ["src_ref": .string(sourceID), "protocols": protocols]))
                    }
                } else {
                    for port in hour.ports.keys.sorted() {
                        refs.append(author.observable("network-traffic", [
                            "src_ref": .string(sourceID), "dst_port": .number(String(port)), "protocols": protocols,
                        ]))
                    }
                }
            }
            let label = hour.malware.map { "\($0) from \(hour.source)" } ?? hour.source
            var count = hour.count
            if count < 1 {
                warnings.add("\(label) at \(STIXAuthoring.timestamp(hour.start)): count \(count) written as 1 (number_observed must be at least 1)")
                count = 1
            } else if count > ObservationSubmission.maximumNumberObserved {
                warnings.add("\(label) at \(STIXAuthoring.timestamp(hour.start)): count \(count) written as \(ObservationSubmission.maximumNumberObserved) (the STIX maximum); the exact count is in x_kakehashi_count")
                count = ObservationSubmission.maximumNumberObserved
            }
            var properties: [(String, JSONValue)] = [
                ("first_observed", .string(STIXAuthoring.timestamp(hour.firstSeen))),
                ("last_observed", .string(STIXAuthoring.timestamp(hour.lastSeen))),
                ("number_observed", .number(String(count))),
                ("object_refs", .array(refs.map { .string($0) })),
            ]
            if count != hour.count { properties.append(("x_kakehashi_count", .number(String(hour.count)))) }
            if !hour.ports.isEmpty {
                properties.append(("x_kakehashi_ports", .object(JSONObject(hour.ports.keys.sorted().map {
                    (String($0), JSONValue.number(String(hour.ports[$0]!)))
                }))))
            }
            if hour.protocols.count > 1 {
                properties.append(("x_kakehashi_protocols", .array(hour.protocols.map { .string($0) })))
            }
            if let malware = hour.malware { properties.append(("x_kakehashi_malware", .string(malware))) }
            let id = author.domainObject("observed-data", properties)
            hours.append(ExtractedObservationHour(hourStart: hour.start, source: hour.source, stixID: id))
        }

        func finish(rowsRead: Int) -> ExtractedSubmission {
            var warnings = warnings
            if hours.isEmpty { warnings.add("no observations read (\(rowsRead) rows aggregated)") }
            return ExtractedSubmission(objects: author.objects, warnings: warnings.lines, observationHours: hours)
        }
    }
}
