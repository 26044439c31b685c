// WebPortal templates: the Mustache templates (Templates/*.mustache) and the stylesheet, loaded once
// from the bundle. A page's template renders its body; `layout` wraps it.
import Crypto
import Foundation
import Mustache

/// The parsed templates and the stylesheet with its content hash (its URL changes when it does, so
/// browsers may keep it for a year).
struct PortalTemplates: Sendable {
    let library: MustacheLibrary
    /// Template names (file names without `.mustache`) and their source, for the catalogue test.
    let sources: [String: String]
    let stylesheet: Data
    let stylesheetPath: String
    let script: Data
    let scriptPath: String

    static func bundled() throws -> PortalTemplates {
        let directory = try PortalResources.directory("Templates")
        var library = MustacheLibrary()
        var sources: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where file.pathExtension == "mustache" {
            let name = file.deletingPathExtension().lastPathComponent
            let text = try String(contentsOf: file, encoding: .utf8)
            do {
                try library.register(text, named: name)
            } catch {
                throw PortalResourceError("template \(name) does not parse: \(error)")
            }
            sources[name] = text
        }
        let statics = try PortalResources.directory("Static")
        let css = try Data(contentsOf: statics.appendingPathComponent("portal.css"))
        let js = try Data(contentsOf: statics.appendingPathComponent("portal.js"))
        return PortalTemplates(library: library, sources: sources,
                               stylesheet: css, stylesheetPath: "/portal/static/portal.\(Self.hash(css)).css",
                               script: js, scriptPath: "/portal/static/portal.\(Self.hash(js)).js")
    }

    static func hash(_ data: Data) -> String {
        SHA256.hash(data: data).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    func render(_ name: String, _ context: Any) throws -> String {
        guard let text = library.render(context, withTemplate: name) else {
            throw PortalResourceError("there is no template \(name)")
        }
        return text
    }
}
