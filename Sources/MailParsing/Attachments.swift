// MailParsing — Attachments.swift
// Attached files: decoded name, type, bytes, size and MD5/SHA-1/SHA-256, and the member list when
// the file is a zip archive.

import Crypto
import Foundation

/// A file attached to a message (any non-body leaf part, or a uuencoded block in a text body).
public struct Attachment: Sendable, Hashable {
    /// The decoded file name (RFC 2231 / RFC 2047 / raw 8-bit), nil when the part names none.
    public let filename: String?
    /// Lower-cased content type as declared ("application/zip").
    public let contentType: String
    /// "attachment", "inline", "uuencode" (found in a text body), or nil when not declared.
    public let disposition: String?
    public let contentID: String?
    /// The decoded bytes.
    public let data: [UInt8]
    public var size: Int { data.count }
    /// Lower-case hex digests of `data`.
    public let md5: String
    public let sha1: String
    public let sha256: String
    /// The members of a zip archive (nil when the file is not a zip); the members of a zip inside it
    /// follow that zip, named by path ("inner.zip/payload.exe", see `ArchiveMember.nestingDepth`).
    public let archiveMembers: [ArchiveMember]?
    /// Why the archive could not be listed completely, if so.
    public let archiveProblem: String?

    /// True when the data is a zip archive (by its signature, whatever the declared type).
    public var isArchive: Bool { archiveMembers != nil }

    /// The file name's extension, lower-cased ("exe"), when there is one.
    public var fileExtension: String? {
        guard let filename, let dot = filename.lastIndex(of: "."), dot != filename.startIndex else { return nil }
        let ext = filename[filename.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }

    init(filename: String?, contentType: String, disposition: String?, contentID: String?, data: [UInt8],
         passwords: [String] = []) {
        self.filename = filename
        self.contentType = contentType
        self.disposition = disposition
        self.contentID = contentID
        self.data = data
        let digests = Digests(data)
        md5 = digests.md5
        sha1 = digests.sha1
        sha256 = digests.sha256
        if ZipContents.looksLikeZip(data) {
            let listing = ZipContents.list(data, passwords: passwords)
            archiveMembers = listing.members
            archiveProblem = listing.problem
        } else {
            archiveMembers = nil
            archiveProblem = nil
        }
    }
}

extension Attachment {
    /// True when the archive has an encrypted member that no password opened yet.
    var hasUnopenedMembers: Bool {
        archiveMembers?.contains { $0.isEncrypted && $0.sha256 == nil && !$0.isDirectory } ?? false
    }

    /// The same file with its archive listed again, trying `passwords` on encrypted members;
    /// nil when nothing is encrypted or no password opened more than before.
    func reopened(with passwords: [String]) -> Attachment? {
        guard hasUnopenedMembers, !passwords.isEmpty else { return nil }
        let again = Attachment(filename: filename, contentType: contentType, disposition: disposition,
                               contentID: contentID, data: data, passwords: passwords)
        let before = archiveMembers?.filter { $0.sha256 != nil }.count ?? 0
        let after = again.archiveMembers?.filter { $0.sha256 != nil }.count ?? 0
        return after > before ? again : nil
    }
}

/// MD5, SHA-1 and SHA-256 of some bytes, as lower-case hex.
public struct Digests: Sendable, Hashable {
    public let md5: String
    public let sha1: String
    public let sha256: String

    /// ```swift
    /// let digests = Digests(Array("abc".utf8))
    /// digests.sha256  // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    /// ```
    public init<D: DataProtocol>(_ data: D) {
        md5 = Hex.string(Insecure.MD5.hash(data: data))
        sha1 = Hex.string(Insecure.SHA1.hash(data: data))
        sha256 = Hex.string(SHA256.hash(data: data))
    }
}
