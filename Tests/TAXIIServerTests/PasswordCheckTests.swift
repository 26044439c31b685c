// Password checks (issue 12, item 12): the decoy checked for unknown accounts costs what real
// hashes cost, passwords with NUL never pass, and every byte of a long password counts. The HTTP
// side (a CLI-set password tried over Basic) is in Tests/Interop/test_one_gate.py.
@testable import Accounts
import HubTesting
import HummingbirdBcrypt
import Testing

@Suite("Password checks")
struct PasswordCheckTests {
    @Test("the decoy hash for unknown accounts has the configured bcrypt cost")
    func decoyCost() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let standard = Authenticator(store: hub.store)
        #expect(standard.bcryptCost == AccountAdministration(store: hub.store).bcryptCost)
        #expect(Credentials.bcryptCost(of: standard.decoyHash) == Credentials.defaultBcryptCost)
        let cheap = Authenticator(store: hub.store, bcryptCost: hub.accounts.bcryptCost)
        #expect(Credentials.bcryptCost(of: cheap.decoyHash) == hub.accounts.bcryptCost)
        let user = try await hub.accounts.addUser(organization: (try await hub.accounts.addOrganization(name: "Org A")).name,
                                                  email: "a@a.example.jp", role: .member, password: "password-a-1")
        #expect(Credentials.bcryptCost(of: try #require(user.passwordHash)) == Credentials.bcryptCost(of: cheap.decoyHash))
    }

    @Test("a password with NUL is neither set nor accepted as its prefix")
    func nul() async throws {
        let hash = Credentials.hashPassword("password-b-1", cost: 4)
        #expect(Credentials.verifyPassword("password-b-1", hash: hash))
        #expect(!Credentials.verifyPassword("password-b-1\u{0}junk", hash: hash))
        let hub = try await TestHub.make(); defer { hub.remove() }
        let org = try await hub.accounts.addOrganization(name: "Org B")
        await #expect(throws: AccountError.self) {
            try await hub.accounts.addUser(organization: org.name, email: "b@b.example.jp", role: .member,
                                           password: "password\u{0}b")
        }
    }

    @Test("a password longer than 72 bytes counts to its last byte; older plain hashes still verify")
    func longPasswords() {
        let long = String(repeating: "長", count: 30) + "-tail-one"          // 99 bytes
        let hash = Credentials.hashPassword(long, cost: 4)
        #expect(hash.hasPrefix("$sha256$$2"))
        #expect(Credentials.verifyPassword(long, hash: hash))
        #expect(!Credentials.verifyPassword(String(repeating: "長", count: 30) + "-tail-two", hash: hash))
        #expect(Credentials.bcryptCost(of: hash) == 4)
        let short = Credentials.hashPassword("short-password", cost: 4)
        #expect(short.hasPrefix("$2"))
        #expect(Credentials.verifyPassword("short-password", hash: short))
        // A hash made before pre-hashing (plain bcrypt of a long password) keeps working.
        let legacy = Bcrypt.hash(long, cost: 4)
        #expect(Credentials.verifyPassword(long, hash: legacy))
    }
}
