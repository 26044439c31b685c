// The read gate: stored objects are read only through a `ReadScope`, which only the policy engine
// (SharingPolicy) and the stores (SQLiteStorage, PostgresStorage) may make. This test reads the sources and fails when
// any other module imports the gate, or declares part of it (only Storage and the store may).
import Foundation
import Testing

@Suite struct ReadGateTests {
    static let gateModules: Set<String> = ["SharingPolicy", "SQLiteStorage", "PostgresStorage"]

    /// Every Swift file under Sources/, by module (the folder under Sources/).
    static func sources() throws -> [(module: String, path: String, text: String)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        var files: [(String, String, String)] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let relative = url.path.replacingOccurrences(of: root.path + "/", with: "")
            guard let module = relative.split(separator: "/").first else { continue }
            files.append((String(module), relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    @Test func onlyThePolicyEngineAndTheStoreOpenTheReadGate() throws {
        let files = try Self.sources()
        #expect(files.count > 100, "the sources were not found")
        var offenders: [String] = []
        for file in files {
            for line in file.text.split(separator: "\n") where line.contains("_spi(ReadGate)") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                let isImport = trimmed.hasPrefix("@_spi(ReadGate) import ")
                // Storage declares the gate; the stores implement its gated requirements.
                if isImport ? !Self.gateModules.contains(file.module)
                    : !["Storage", "SQLiteStorage", "PostgresStorage"].contains(file.module) {
                    offenders.append("\(file.path): \(trimmed)")
                }
            }
            // `@testable import Storage` would open internal initialisers as well.
            if file.text.contains("@testable import Storage") { offenders.append("\(file.path): @testable import Storage") }
        }
        #expect(offenders.isEmpty, "only SharingPolicy and the stores may open the read gate: \(offenders)")
    }

    @Test func theGateModulesUseIt() throws {
        // The check above would pass vacuously if the gate were renamed: the gate modules import it.
        let files = try Self.sources()
        for module in Self.gateModules {
            #expect(files.contains { $0.module == module && $0.text.contains("@_spi(ReadGate) import Storage") },
                    "\(module) no longer imports the read gate")
        }
    }
}
