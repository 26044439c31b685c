// KakehashiBenchmark — PipelinedPolling.swift
// Owns the cheap HTTP/1.1 client of the export polling figure: keep-alive connections over
// blocking sockets, each sent `depth` pre-built requests at once (HTTP/1.1 pipelining; the server
// answers them in order) and read back with a byte scan for the end of each head, so a request
// costs the client a share of one send(2) and one recv(2) and no String work. A few threads drive
// all the connections: on 2 cores every cycle the client spends is taken from the server it measures
// (32 threads of `BlockingHTTPConnection`, one request in flight each, cost more CPU than the server).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive connection sending pipelined requests and counting the answers by status.
/// Not thread-safe: one thread drives it.
final class PipelinedConnection {
    let port: UInt16
    private var socket: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Bytes received and not yet consumed (`start..<end` of `buffer`).
    private var start = 0, end = 0

    init(port: UInt16) { self.port = port }
    deinit { close() }

    func close() {
        if socket >= 0 { _ = Glibc.close(socket) }
        socket = -1
        start = 0; end = 0
    }

    /// Sends several complete requests (connecting first when needed).
    func sendBatch(_ batch: [UInt8]) throws {
        if socket < 0 { try connect() }
        try send(batch)
    }

    /// Reads `count` answers to requests sent earlier: how many were 304 and how many not.
    func receive(_ count: Int) throws -> (notModified: Int, other: Int) {
        var notModified = 0, other = 0
        for _ in 0..<count {
            if try readStatus() == 304 { notModified += 1 } else { other += 1 }
        }
        return (notModified, other)
    }

    private func connect() throws {
        socket = try LoopbackSocket.connect(port: port, timeoutSeconds: 60)
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw BlockingHTTPError.system("send", errno)
            }
            offset += written
        }
    }

    /// Reads more bytes after `end` (compacting first); throws at end of stream.
    private func fill() throws {
        if start > 0 {
            if start < end { buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: end - start) } }
            end -= start; start = 0
        }
        if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress! + end, $0.count - end, 0) }
            if count > 0 { end += count; return }
            if count < 0 && errno == EINTR { continue }
            throw count == 0 ? BlockingHTTPError.closedEarly : BlockingHTTPError.system("recv", errno)
        }
    }

    /// One response: its status; the body (Content-Length) is skipped. Chunked bodies are not
    /// expected on this path (the hub's errors and 304s have none) and end the connection.
    private func readStatus() throws -> Int {
        var scanned = 0   // bytes after `start` already searched (`fill` may move `start`)
        while true {
            if let headEnd = headEnd(from: start + scanned) {
                guard headEnd - start >= 12 else { throw BlockingHTTPError.malformed("short status line") }
                let status = Int(buffer[start + 9] &- 48) * 100 + Int(buffer[start + 10] &- 48) * 10 + Int(buffer[start + 11] &- 48)
                let length = status == 304 ? 0 : try contentLength(start..<headEnd)
                start = headEnd + 4
                while end - start < length { try fill() }
                start += length
                return status
            }
            scanned = max(0, end - 3 - start)
            try fill()
        }
    }

    private func headEnd(from index: Int) -> Int? {
        var i = index
        while i + 3 < end {
            if buffer[i + 3] != 10 { i += buffer[i + 3] == 13 ? 1 : 4; continue }
            if buffer[i] == 13, buffer[i + 1] == 10, buffer[i + 2] == 13 { return i }
            i += 1
        }
        return nil
    }

    private func contentLength(_ head: Range<Int>) throws -> Int {
        let text = String(decoding: buffer[head], as: UTF8.self).lowercased()
        if text.contains("transfer-encoding: chunked") { throw BlockingHTTPError.malformed("chunked answer") }
        guard let range = text.range(of: "content-length:") else { return 0 }
        let digits = text[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
        return Int(digits) ?? 0
    }
}

/// The pipelined polling run: `threads` threads, each driving its share of `connections`, each
/// connection sent `depth` requests at a time. Thread w cycles through requests w, w + threads, …
/// (pre-built bytes), so a pass of `requests.count` requests (`onePass`) sends each exactly once.
enum PipelinedPolling {
    static func run(port: UInt16, requests: [[UInt8]], connections: Int, threads: Int, depth: Int,
                    until deadline: Date, onePass: Bool = false) async -> (notModified: Int, other: Int) {
        let threads = max(1, min(threads, connections, requests.count))
        let counts = await onThreads(threads) { worker -> (notModified: Int, other: Int) in
            let mine = stride(from: worker, to: connections, by: threads).map { _ in PipelinedConnection(port: port) }
            let slice = Array(stride(from: worker, to: requests.count, by: threads))
            var notModified = 0, other = 0, next = 0
            while Date() < deadline && (!onePass || next < slice.count) {
                // Every connection gets its batch before any is read, so all of them are in flight.
                var sent: [Int] = []
                for connection in mine {
                    var batch: [UInt8] = []
                    var count = 0
                    while count < depth && (!onePass || next < slice.count) {
                        batch.append(contentsOf: requests[slice[next % slice.count]])
                        next += 1; count += 1
                    }
                    if count > 0, !Self.send(connection, batch) { other += count; count = 0 }
                    sent.append(count)
                }
                for (connection, count) in zip(mine, sent) where count > 0 {
                    do {
                        let counted = try connection.receive(count)
                        notModified += counted.notModified; other += counted.other
                    } catch {
                        connection.close(); other += count
                    }
                }
            }
            for connection in mine { connection.close() }
            return (notModified, other)
        }
        return (counts.reduce(0) { $0 + $1.notModified }, counts.reduce(0) { $0 + $1.other })
    }

    static func send(_ connection: PipelinedConnection, _ batch: [UInt8]) -> Bool {
        do { try connection.sendBatch(batch); return true } catch { connection.close(); return false }
    }
}
