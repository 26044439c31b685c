// IndicatorExtraction — CSVRecords.swift
// A small RFC 4180 reader: quoted fields with delimiters, doubled quotes and line breaks; line numbers kept.

/// One CSV record and the 1-based line where it starts.
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]
}

/// A problem with one row of an input file; never fatal for the other rows.
public struct RowProblem: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the file where the row starts.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Splits CSV text into records (RFC 4180, lenient about stray quotes in unquoted fields).
///
/// ```swift
/// let (records, problems) = CSVRecords.parse("ip,note\n\"10.0.0.1\",\"a, \"\"b\"\"\nc\"\n")
/// records[1].fields   // ["10.0.0.1", "a, \"b\"\nc"]
/// ```
public enum CSVRecords {
    /// Records of `text`; blank lines are skipped. A quote left open at the end of the text is a problem.
    public static func parse(_ text: String, delimiter: Character = ",") -> (records: [CSVRecord], problems: [RowProblem]) {
        let d = delimiter.asciiValue ?? UInt8(ascii: ",")
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [CSVRecord] = []
        var problems: [RowProblem] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, recordLine = 1
        var inQuotes = false, quotedField = false
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); quotedField = false }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if inQuotes {
                if c == quote {
                    if i + 1 < n, bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                    inQuotes = false
                } else {
                    if c == lf { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            if c == quote, field.isEmpty, !quotedField {
                inQuotes = true; quotedField = true
            } else if c == d {
                endField()
            } else if c == lf || c == cr {
                endRecord()
                if c == cr, i + 1 < n, bytes[i + 1] == lf { i += 1 }
                line += 1
                recordLine = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if inQuotes { problems.append(RowProblem(line: recordLine, reason: "a quoted field is not closed before the end of the file")) }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        return (records, problems)
    }
}
