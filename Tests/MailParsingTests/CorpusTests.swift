// MailParsingTests — CorpusTests.swift
// Every mail of Corpus/ (made by Corpus/generate.py) against the values the generator wrote into
// Corpus/expectations.json: people, subjects, bodies, links, attachments, zip members, hops, warnings;
// for forwards, which message was taken as the attack, the layers around it and what each forwarder wrote.

import Foundation
import Testing
@testable import MailParsing

enum Corpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func expectations() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent("expectations.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] ?? [:]
    }

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.sorted()
    }()
}

@Suite("Corpus")
struct CorpusTests {
    @Test("the corpus is there", .tags(.corpus))
    func corpusPresent() throws {
        #expect(Corpus.names.count >= 55)
        #expect(try Corpus.expectations().count == Corpus.names.count)
    }

    @Test("each corpus mail gives the expected values", .tags(.corpus), arguments: Corpus.names)
    func mail(_ name: String) throws {
        let expected = try #require(try Corpus.expectations()[name])
        let bytes = try Corpus.bytes(name)
        if expected["error"] as? Bool == true {
            #expect(throws: MailParseError.self) { try MailMessage.parse(bytes) }
            return
        }
        let message = try MailMessage.parse(bytes)
        check(message, against: expected, name: name)
        let report = ForwardedAttack(message)
        if let attack = expected["attack"] as? [String: Any] {
            #expect(report.wrapper != nil)
            check(report.attack, against: attack, name: name + " (attack)")
        }
        checkForward(report, against: expected, name: name)
        let identifiers = report.victimIdentifiers
        for value in expected["victim"] as? [String] ?? [] {
            #expect(identifiers.contains(value), "\(name): victim identifier \(value) missing from \(identifiers)")
        }
        for value in expected["notVictim"] as? [String] ?? [] {
            #expect(!identifiers.contains(value), "\(name): \(value) wrongly taken as victim side")
        }
    }

    private func checkForward(_ report: ForwardedAttack, against expected: [String: Any], name: String) {
        if let selection = expected["selection"] as? String {
            #expect(report.attackSelection.contains(selection), "\(name): \(report.attackSelection)")
        }
        if let layers = expected["layers"] as? Int {
            #expect(report.layers.count == layers, "\(name): \(report.layers.map { $0.message.subject ?? "-" })")
            #expect((report.wrapper != nil) == (layers > 0), "\(name)")
        }
        for pair in expected["ownTextContains"] as? [[Any]] ?? [] {
            guard let layer = pair.first as? Int, let text = pair.last as? String else { continue }
            #expect(layer < report.layers.count && report.layers[layer].ownText.contains(text),
                    "\(name): layer \(layer) own text lacks \(text): \(report.layers.map(\.ownText))")
        }
        for pair in expected["ownTextNotContains"] as? [[Any]] ?? [] {
            guard let layer = pair.first as? Int, let text = pair.last as? String, layer < report.layers.count else { continue }
            #expect(!report.layers[layer].ownText.contains(text), "\(name): layer \(layer) own text has \(text)")
        }
        if let date = expected["attackDate"] as? Int {
            #expect(report.attack.date == Date(timeIntervalSince1970: TimeInterval(date)),
                    "\(name): attack date \(String(describing: report.attack.date)) from \(report.attack.dateString ?? "-")")
        }
        if expected["attackUnknownIDs"] as? Bool == true {
            #expect(report.attack.messageID == nil && report.attack.received.isEmpty, "\(name)")
        }
    }

    private func check(_ message: MailMessage, against expected: [String: Any], name: String) {
        if let subject = expected["subject"] as? String { #expect(message.subject == subject, "\(name)") }
        if let from = expected["from"] as? [String: String] {
            #expect(message.from?.address == from["address"], "\(name)")
            if let display = from["displayName"] { #expect(message.from?.displayName == display, "\(name)") }
        }
        if let to = expected["to"] as? [[String: String]] {
            #expect(message.to.map(\.address) == to.map { $0["address"] ?? "" }, "\(name)")
            #expect(message.to.map { $0.displayName ?? "" } == to.map { $0["displayName"] ?? "" }, "\(name)")
        }
        if let mailer = expected["mailer"] as? String { #expect(message.mailer == mailer, "\(name)") }
        if let id = expected["messageID"] as? String { #expect(message.messageID == id, "\(name)") }
        if let count = expected["received"] as? Int { #expect(message.received.count == count, "\(name)") }
        if let ip = expected["firstExternalIP"] as? String { #expect(message.firstExternalIP == ip, "\(name)") }
        for text in expected["textContains"] as? [String] ?? [] {
            #expect(message.textBodies.contains { $0.contains(text) }, "\(name): text body lacks \(text): \(message.textBodies)")
        }
        for text in expected["htmlContains"] as? [String] ?? [] {
            #expect(message.htmlBodies.contains { $0.contains(text) }, "\(name): HTML lacks \(text)")
        }
        for text in expected["bodyTextContains"] as? [String] ?? [] {
            #expect(message.bodyText.contains(text), "\(name): bodyText lacks \(text): \(message.bodyText)")
        }
        for text in expected["bodyTextNotContains"] as? [String] ?? [] {
            #expect(!message.bodyText.contains(text), "\(name): bodyText has \(text)")
        }
        if let links = expected["links"] as? [String] {
            #expect(Set(message.links) == Set(links), "\(name): links \(message.links)")
        }
        if let addresses = expected["bodyAddresses"] as? [String] {
            #expect(Set(message.bodyAddresses) == Set(addresses), "\(name): body addresses \(message.bodyAddresses)")
        }
        if let count = expected["attachedMessages"] as? Int { #expect(message.attachedMessages.count == count, "\(name)") }
        if let attachments = expected["attachments"] as? [[String: Any]] {
            #expect(message.attachments.count == attachments.count, "\(name): \(message.attachments.map { $0.filename ?? "-" })")
            for (actual, wanted) in zip(message.attachments, attachments) {
                if let filename = wanted["filename"] as? String { #expect(actual.filename == filename, "\(name)") }
                #expect(actual.size == wanted["size"] as? Int, "\(name): size of \(actual.filename ?? "-")")
                #expect(actual.sha256 == wanted["sha256"] as? String, "\(name): sha256 of \(actual.filename ?? "-")")
                if let members = wanted["members"] as? [[String: Any]] {
                    let listed = actual.archiveMembers ?? []
                    #expect(listed.map(\.name) == members.map { $0["name"] as? String ?? "" }, "\(name)")
                    for (member, want) in zip(listed, members) {
                        #expect(member.size == want["size"] as? Int, "\(name): \(member.name)")
                        #expect(member.isEncrypted == want["encrypted"] as? Bool, "\(name): \(member.name)")
                        #expect(member.sha256 == want["sha256"] as? String, "\(name): \(member.name) \(member.problem ?? "")")
                    }
                }
            }
        }
        if let warnings = expected["warnings"] as? [String] {
            if warnings.isEmpty {
                #expect(message.warnings.isEmpty, "\(name): unexpected warnings \(message.warnings)")
            }
            for warning in warnings {
                #expect(message.warnings.contains { $0.contains(warning) }, "\(name): no warning with \"\(warning)\" in \(message.warnings)")
            }
        }
    }
}

extension Tag {
    @Tag static var corpus: Self
}
