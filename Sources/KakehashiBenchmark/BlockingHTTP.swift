// KakehashiBenchmark — BlockingHTTP.swift
// Owns the lean HTTP/1.1 client of the concurrent single-object GET phase: one blocking socket per
// client on a thread of its own, keep-alive, Content-Length / chunked / read-to-close bodies.
//
// On 2 cores the client shares the CPU with the server it measures. AsyncHTTPClient took about half
// of it in this phase, which showed up in the server's p99 (5.2–6.4 ms against 3.5 ms with wrk on
// the same requests). This client costs a write(2) and a few read(2) per request, so the figure is
// the server's. Both servers are measured with it.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One keep-alive HTTP/1.1 connection to 127.0.0.1 over a blocking socket. Not thread-safe: one
/// per thread.
///
/// ```swift
/// let connection = BlockingHTTPConnection(port: 8080, timeoutSeconds: 60)
/// let (status, body) = try connection.get("/taxii2/", headers: ["Accept": "application/taxii+json;version=2.1"])
/// ```
final class BlockingHTTPConnection {
    let port: UInt16
    let timeoutSeconds: Int
    private var socket: Int32 = -1
    /// Bytes read but not yet consumed (the start of the next response never arrives early with
    /// one request in flight, but a read may end mid-header).
    private var pending: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init(port: UInt16, timeoutSeconds: Int) {
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { close() }

    func close() {
        if socket >= 0 { _ = Glibc.close(socket) }
        socket = -1
        pending.removeAll(keepingCapacity: true)
    }

    /// GET `path` with the given headers; reconnects when the server closed the connection.
    func get(_ path: String, headers: [(String, String)]) throws -> (status: Int, body: [UInt8]) {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        if socket < 0 { try connect() }
        do {
            try send(Array(request.utf8))
            return try readResponse()
        } catch BlockingHTTPError.closedEarly where pending.isEmpty {
            // A keep-alive connection the server had closed: one fresh attempt.
            close()
            try connect()
            try send(Array(request.utf8))
            return try readResponse()
        }
    }

    private func connect() throws {
        socket = try LoopbackSocket.connect(port: port, timeoutSeconds: timeoutSeconds)
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw errno == EPIPE || errno == ECONNRESET ? BlockingHTTPError.closedEarly : BlockingHTTPError.system("send", errno)
            }
            offset += written
        }
    }

    /// Reads more bytes into `pending`; false at end of stream.
    private func fill() throws -> Bool {
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress!, $0.count, 0) }
            if count > 0 { pending.append(contentsOf: chunk[0..<count]); return true }
            if count == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw BlockingHTTPError.timedOut }
            if errno == ECONNRESET { return false }
            throw BlockingHTTPError.system("recv", errno)
        }
    }

    private func readResponse() throws -> (status: Int, body: [UInt8]) {
        var headerEnd: Int?
        var searchFrom = 0
        while headerEnd == nil {
            if let end = Self.find([13, 10, 13, 10], in: pending, from: searchFrom) { headerEnd = end; break }
            searchFrom = max(0, pending.count - 3)
            guard try fill() else { throw BlockingHTTPError.closedEarly }
        }
        // The head is parsed as bytes (no String or Foundation work per request: on 2 cores every
        // cycle the client spends is taken from the server it measures).
        let head = Array(pending[0..<headerEnd!])
        pending.removeFirst(headerEnd! + 4)
        let lines = Self.lines(of: head)
        guard let statusLine = lines.first, let status = Self.statusCode(head[statusLine]) else {
            throw BlockingHTTPError.malformed("status line \(String(decoding: head.prefix(80), as: UTF8.self))")
        }
        var contentLength: Int?
        var chunked = false
        var closes = head[statusLine].starts(with: Array("HTTP/1.0".utf8))
        for line in lines.dropFirst() {
            let field = head[line]
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = Self.lowercased(field[field.startIndex..<colon])
            let value = Self.lowercased(Self.trimmed(field[(colon + 1)...]))
            switch name {
            case Array("content-length".utf8): contentLength = Self.decimal(value)
            case Array("transfer-encoding".utf8): chunked = Self.find(Array("chunked".utf8), in: value, from: 0) != nil
            case Array("connection".utf8):
                if Self.find(Array("close".utf8), in: value, from: 0) != nil { closes = true }
                else if Self.find(Array("keep-alive".utf8), in: value, from: 0) != nil { closes = false }
            default: break
            }
        }
        var body: [UInt8]
        if status == 304 || status == 204 || (100..<200).contains(status) {
            body = []   // no body whatever the headers say (RFC 9112 §6.3): reading to close would hang
        } else if chunked {
            body = try readChunked()
        } else if let contentLength {
            while pending.count < contentLength {
                guard try fill() else { throw BlockingHTTPError.closedEarly }
            }
            body = Array(pending[0..<contentLength])
            pending.removeFirst(contentLength)
        } else {
            while try fill() {}
            body = pending
            pending.removeAll(keepingCapacity: true)
            closes = true
        }
        if closes { close() }
        return (status, body)
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            var lineEnd = Self.find([13, 10], in: pending, from: 0)
            while lineEnd == nil {
                guard try fill() else { throw BlockingHTTPError.closedEarly }
                lineEnd = Self.find([13, 10], in: pending, from: 0)
            }
            let sizeText = String(decoding: pending[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw BlockingHTTPError.malformed("chunk size \(sizeText)")
            }
            pending.removeFirst(lineEnd! + 2)
            while pending.count < size + 2 {
                guard try fill() else { throw BlockingHTTPError.closedEarly }
            }
            body.append(contentsOf: pending[0..<size])
            pending.removeFirst(size + 2)
            if size == 0 { return body }  // no trailers are sent by either server
        }
    }

    /// The ranges of the CRLF-separated lines of a response head.
    static func lines(of head: [UInt8]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        while let end = find([13, 10], in: head, from: start) {
            lines.append(start..<end)
            start = end + 2
        }
        lines.append(start..<head.count)
        return lines
    }

    /// The status code of `HTTP/1.x NNN reason`.
    static func statusCode(_ line: ArraySlice<UInt8>) -> Int? {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let digits = line[(space + 1)...].prefix { $0 != UInt8(ascii: " ") }
        return digits.count == 3 ? decimal(Array(digits)) : nil
    }

    static func decimal(_ digits: [UInt8]) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    static func lowercased(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return bytes[bytes.startIndex..<bytes.startIndex] }
        return bytes[first...last]
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] { match = false; break }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}

enum BlockingHTTPError: Error, CustomStringConvertible {
    case system(String, Int32)
    case closedEarly
    case timedOut
    case malformed(String)

    var description: String {
        switch self {
        case .system(let call, let code): return "\(call): \(String(cString: strerror(code)))"
        case .closedEarly: return "the server closed the connection before the response was complete"
        case .timedOut: return "no answer within the timeout"
        case .malformed(let what): return "malformed response: \(what)"
        }
    }
}

/// Runs `body(worker)` on `count` threads of their own and waits for all of them.
func onThreads<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) async -> [T] {
    await withCheckedContinuation { continuation in
        let results = ThreadResults<T>(count: count)
        let group = DispatchGroup()
        for worker in 0..<count {
            group.enter()
            let thread = Thread {
                results.set(worker, body(worker))
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.notify(queue: .global()) { continuation.resume(returning: results.all) }
    }
}

/// Results of `onThreads`, one slot per thread.
final class ThreadResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.lock(); slots[index] = value; lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}

/// A blocking TCP connection to 127.0.0.1 with send and receive timeouts and Nagle off: what both
/// benchmark clients (BlockingHTTP, PipelinedPolling) open.
enum LoopbackSocket {
    static func connect(port: UInt16, timeoutSeconds: Int) throws -> Int32 {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BlockingHTTPError.system("socket", errno) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            _ = Glibc.close(fd)
            throw BlockingHTTPError.system("connect", code)
        }
        return fd
    }
}
