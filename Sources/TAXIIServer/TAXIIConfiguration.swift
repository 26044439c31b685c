// TAXII server settings: titles, the API root's name, and the limits advertised to clients.
import Foundation

/// Settings of the TAXII 2.1 interface.
public struct TAXIIConfiguration: Sendable {
    public var title: String
    public var description: String
    public var contact: String?
    /// The API root is served at `/<apiRootName>/`; discovery is at `/taxii2/`.
    public var apiRootName: String
    /// Largest request body accepted (bytes); advertised as `max_content_length`.
    public var maxContentLength: Int
    /// Objects per page when the client gives no `limit`.
    public var defaultPageSize: Int
    /// Largest page served, whatever `limit` asks for.
    public var maxPageSize: Int

    public init(title: String = "Kakehashi 架け橋",
                description: String = "Cyber-threat information-sharing hub (STIX 2.1 over TAXII 2.1) / サイバー脅威情報共有ハブ",
                contact: String? = nil, apiRootName: String = "hub",
                maxContentLength: Int = 32 * 1024 * 1024, defaultPageSize: Int = 1000, maxPageSize: Int = 10_000) {
        self.title = title; self.description = description; self.contact = contact
        self.apiRootName = apiRootName; self.maxContentLength = maxContentLength
        self.defaultPageSize = defaultPageSize; self.maxPageSize = maxPageSize
    }
}
