// STIX — EnvelopeScanner.swift
// Owns scanning a TAXII 2.1 envelope or STIX 2.1 bundle in one pass: each element of "objects"
// comes back with its parsed value and the exact bytes it occupied in the input.

/// A scanned TAXII envelope or STIX bundle.
public struct ScannedEnvelope: Sendable {
    /// The elements of the top-level "objects" array, in order (empty when "objects" is absent).
    public let objects: [ScannedObject]
    /// Every other top-level member ("type", "id", "more", "next", ...), parsed, in document order.
    public let otherMembers: JSONObject

    public init(objects: [ScannedObject], otherMembers: JSONObject) {
        self.objects = objects
        self.otherMembers = otherMembers
    }
}

/// One element of "objects".
public struct ScannedObject: Sendable {
    /// Exactly the bytes the element occupied in the input, from its first byte ('{') to its last
    /// ('}'), inner whitespace and escapes as submitted. It is a slice of the array handed to
    /// `EnvelopeScanner.scan` (no copy): its `indices` are byte offsets into that input.
    /// `Array(bytes)` makes an independent copy.
    public let bytes: ArraySlice<UInt8>
    /// The parsed element (normally an object; `STIXValidator` says so when it is not).
    public let value: JSONValue

    public init(bytes: ArraySlice<UInt8>, value: JSONValue) {
        self.bytes = bytes
        self.value = value
    }

    /// The element's position in the scanned input.
    public var range: Range<Int> { bytes.startIndex..<bytes.endIndex }
}

/// Scans TAXII envelopes and STIX bundles.
///
/// The top level must be a JSON object. Its "objects" member, if present, must be an array; each
/// element is parsed once and returned with its exact input bytes, so a hub can store what was
/// submitted byte for byte. The whole document is held to RFC 8259 and `limits` (nesting depth
/// counts from the envelope: envelope 1, "objects" 2, each STIX object 3); any syntax error
/// rejects the whole document with a `JSONSyntaxError`.
///
/// ```swift
/// let body = Array(#"{"objects":[ {"type":"identity","id":"identity--…"} ],"more":false}"#.utf8)
/// let envelope = try EnvelopeScanner.scan(body)
/// for object in envelope.objects {
///     let original = Array(object.bytes)                 // {"type":"identity","id":"identity--…"}
///     switch STIXValidator.validate(object.value) {
///     case .success(let facts): print(facts.id, facts.version ?? "-")
///     case .failure(let error): print(error)
///     }
/// }
/// envelope.otherMembers["more"]                           // .bool(false)
/// ```
public enum EnvelopeScanner {
    public static func scan(_ bytes: [UInt8], limits: JSONLimits = .standard) throws -> ScannedEnvelope {
        try scanTyped(bytes, limits: limits, batch: Int.max) { _ in }
    }

    /// `scan`, handing the objects over `batch` at a time as they are parsed (the last ones once the
    /// whole document has been read), so a caller can work on the first objects while the rest is
    /// scanned. The document is still checked whole: when this throws, objects were perhaps handed
    /// over already, and they belong to a document that is refused.
    ///
    /// ```swift
    /// let envelope = try EnvelopeScanner.scan(body, handingOver: 50) { objects in
    ///     for object in objects { _ = STIXValidator.validate(object.value) }
    /// }
    /// ```
    /// `firstBatch` (when given) is the size of the first hand-over, so that a caller can start early.
    public static func scan(_ bytes: [UInt8], limits: JSONLimits = .standard, handingOver batch: Int,
                            firstBatch: Int? = nil,
                            to receive: (ArraySlice<ScannedObject>) -> Void) throws -> ScannedEnvelope {
        try scanTyped(bytes, limits: limits, batch: max(1, batch), firstBatch: max(1, firstBatch ?? batch), receive: receive)
    }

    static func scanTyped(_ input: [UInt8], limits: JSONLimits, batch: Int, firstBatch: Int? = nil,
                          receive: (ArraySlice<ScannedObject>) -> Void) throws(JSONSyntaxError) -> ScannedEnvelope {
        var objects: [ScannedObject] = []
        var handedOver = 0
        var batch = batch
        let regularBatch = batch
        if let firstBatch { batch = firstBatch }
        let scanned = input.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) -> JSONObject in
                guard let base = buffer.baseAddress, buffer.count > 0 else {
                    throw JSONSyntaxError(message: "the input is empty (expected a TAXII envelope or STIX bundle object)",
                                          offset: 0)
                }
                var parser = ByteParser(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count,
                                        limits: limits)
                parser.skipByteOrderMark()
                return try parser.scanEnvelope { range, value in
                    objects.append(ScannedObject(bytes: input[range], value: value))
                    if objects.count - handedOver >= batch {
                        receive(objects[handedOver...])
                        handedOver = objects.count
                        batch = regularBatch
                    }
                }
            }
        }
        let other = try scanned.get()
        if handedOver < objects.count { receive(objects[handedOver...]) }
        return ScannedEnvelope(objects: objects, otherMembers: other)
    }
}

extension ByteParser {
    /// Scans the envelope, giving `element` each member of "objects" (its bytes' range and value)
    /// as it is parsed; returns the other members.
    mutating func scanEnvelope(_ element: (Range<Int>, JSONValue) -> Void) throws(JSONSyntaxError) -> JSONObject {
        skipWhitespace()
        guard position < count else {
            throw error("the input is empty (expected a TAXII envelope or STIX bundle object)", at: position)
        }
        guard bytes[position] == UInt8(ascii: "{") else {
            let what: String
            switch bytes[position] {
            case UInt8(ascii: "["): what = "an array"
            case UInt8(ascii: "\""): what = "a string"
            default: what = found(at: position)
            }
            throw error("the top level must be a JSON object (a TAXII envelope or STIX bundle) but found \(what)",
                        at: position)
        }
        try enterContainer()
        position += 1
        var keys: [String] = []
        var otherValues: [JSONValue] = []
        var allKeys: [String] = []
        var seen: Set<String>? = nil
        skipWhitespace()
        if position < count && bytes[position] == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                let key = try parseMemberName(closing: "}")
                try checkDuplicate(key, in: &allKeys, seen: &seen)
                try expectColon()
                if key == "objects" {
                    skipWhitespace()
                    guard position < count, bytes[position] == UInt8(ascii: "[") else {
                        let kind = position < count ? peekKind() : found(at: position)
                        throw error("\"objects\" must be an array of STIX objects but found \(kind)", at: position)
                    }
                    try scanObjectsArray(element)
                } else {
                    keys.append(key)
                    otherValues.append(try parseValue())
                }
                skipWhitespace()
                guard position < count else {
                    throw error("unterminated object: expected ',' or '}' but the input ended", at: position)
                }
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: ",") { continue }
                if byte == UInt8(ascii: "}") { break }
                throw error("expected ',' or '}' after an object member but found \(found(at: position - 1))",
                            at: position - 1)
            }
        }
        depth -= 1
        try expectEnd()
        return JSONObject(uniqueKeys: keys, values: otherValues)
    }

    /// The JSON kind that starts at `position`, for messages.
    func peekKind() -> String {
        switch bytes[position] {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        default: return found(at: position)
        }
    }

    mutating func scanObjectsArray(_ element: (Range<Int>, JSONValue) -> Void) throws(JSONSyntaxError) {
        try enterContainer()
        position += 1  // '['
        skipWhitespace()
        if position < count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        var first = true
        while true {
            try checkNotTrailingComma(closing: UInt8(ascii: "]"), afterComma: !first)
            first = false
            skipWhitespace()
            let start = position
            let value = try parseValue()
            element(start..<position, value)
            skipWhitespace()
            guard position < count else {
                throw error("unterminated array: expected ',' or ']' but the input ended", at: position)
            }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { break }
            throw error("expected ',' or ']' after an array element but found \(found(at: position - 1))", at: position - 1)
        }
        depth -= 1
    }
}
