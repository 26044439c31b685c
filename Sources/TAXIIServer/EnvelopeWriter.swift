// TAXII response bodies: envelopes written straight from the stored bytes of each object (nothing is
// re-encoded), plus the small JSON resources (discovery, collections, status, manifest).
import Foundation
import HubHTTP
import Hummingbird
import STIX
import Storage

enum EnvelopeWriter {
    /// `{"more":…,"next":…,"objects":[<stored bytes>,…]}`
    static func envelope(_ page: ObjectPage) -> ByteBuffer {
        let size = page.objects.reduce(64) { $0 + $1.bytes.count + 1 }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeString("{\"more\":\(page.more)")
        if page.more, let last = page.resumePoint {
            let token = PageCursor.token(after: last.position, start: page.listingStart, added: last.dateAddedMicroseconds)
            buffer.writeString(",\"next\":\"\(token)\"")
        }
        buffer.writeString(",\"objects\":[")
        for (index, object) in page.objects.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeBytes(object.bytes)
        }
        buffer.writeString("]}")
        return buffer
    }

    static func json<T: Encodable>(_ value: T) throws -> ByteBuffer {
        ByteBuffer(data: try JSONEncoder.taxii.encode(value))
    }

    static func dateAdded(_ microseconds: Int64) -> String {
        STIXTimestamp.formatting(microseconds: microseconds)
    }
}
