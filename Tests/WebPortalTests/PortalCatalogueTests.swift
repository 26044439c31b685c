// The portal's catalogues: every key in both languages, every key a template or page names exists,
// and no key in two files — so that no page shows an untranslated label or a raw key.
import Foundation
import Testing
@testable import WebPortal

@Suite("Portal catalogues")
struct PortalCatalogueTests {
    @Test("every message has a non-empty English and Japanese text")
    func bothLanguages() throws {
        let messages = try PortalMessages.bundled()
        #expect(messages.entries.count > 20)
        for (key, texts) in messages.entries {
            for language in PortalLanguage.allCases {
                let text = texts[language.rawValue]?.trimmingCharacters(in: .whitespaces) ?? ""
                #expect(!text.isEmpty, "\(key) in \(messages.sources[key] ?? "?") has no \(language.rawValue) text")
            }
            #expect(Set(texts.keys).isSubset(of: ["en", "ja"]), "\(key) has a language the portal does not speak")
        }
    }

    @Test("every {{t.key}} in a template is in a catalogue")
    func templateKeys() throws {
        let messages = try PortalMessages.bundled()
        let templates = try PortalTemplates.bundled()
        #expect(templates.sources["layout"] != nil)
        let pattern = try Regex(#"\{\{\{?\s*t\.([A-Za-z0-9_]+)"#)
        var used = 0
        for (name, source) in templates.sources {
            for match in source.matches(of: pattern) {
                let key = String(match.output[1].substring ?? "")
                used += 1
                #expect(messages.entries[key] != nil, "template \(name) uses \(key), which no catalogue has")
            }
        }
        #expect(used > 10)
    }

    @Test("every key a page names in Swift (text(\"…\"), title: \"…\", messageKey:) is in a catalogue")
    func swiftKeys() throws {
        let messages = try PortalMessages.bundled()
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/WebPortal")
        let pattern = try Regex(#"(?:text\(|title: |messageKey: |label: )"([a-z0-9_]+)""#)
        var checked = 0
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            // Code only: the doc comments' examples name keys of pages that do not exist.
            let source = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
            for match in source.matches(of: pattern) {
                let key = String(match.output[1].substring ?? "")
                checked += 1
                if key.hasSuffix("_") {   // a prefix completed at run time ("role_" + role): some key has it
                    #expect(messages.entries.keys.contains { $0.hasPrefix(key) }, "\(file.lastPathComponent): \(key)…")
                    continue
                }
                #expect(messages.entries[key] != nil, "\(file.lastPathComponent) names \(key), which no catalogue has")
            }
        }
        #expect(checked > 5)
    }

    @Test("Accept-Language chooses by quality; the switch's cookie wins; Japanese without either")
    func languageChoice() {
        #expect(PortalLanguage.chosen(cookie: nil, acceptLanguage: "en-US,en;q=0.9,ja;q=0.8") == .en)
        #expect(PortalLanguage.chosen(cookie: nil, acceptLanguage: "fr, ja;q=0.5, en;q=0.4") == .ja)
        #expect(PortalLanguage.chosen(cookie: "ja", acceptLanguage: "en") == .ja)
        #expect(PortalLanguage.chosen(cookie: "xx", acceptLanguage: "en") == .en)
        #expect(PortalLanguage.chosen(cookie: nil, acceptLanguage: nil) == .ja)
        #expect(PortalLanguage.chosen(cookie: nil, acceptLanguage: "de, fr") == .ja)
    }

    @Test("next is a path of the portal on this hub, never another host")
    func safeNext() {
        #expect(PortalRoutes.safeNext("/portal/objects/x?page=2") == "/portal/objects/x?page=2")
        for hostile in ["//evil.example/portal", "https://evil.example/portal/", "/portal//evil.example",
                        "/\\evil.example", "/portal\\..\\x", "/portalevil", "/api/v1/tokens", "/portal/\u{0}x",
                        "javascript:alert(1)", "", "/portal/\r\nLocation: x"] {
            #expect(PortalRoutes.safeNext(hostile) == "/portal/", "\(hostile)")
        }
        #expect(PortalRoutes.safeNext(nil) == "/portal/")
    }
}
