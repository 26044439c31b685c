// The shortcuts that read a plain IPv4 address or a plain host name from a pattern's literal give
// exactly what the general path gives (canonical form, lowercase, dots trimmed), and leave every
// other text to it.
import Foundation
import Testing
@testable import Distribution

@Suite("Distribution: pattern value shortcuts")
struct PatternValueTests {
    @Test("plain IPv4: its own canonical form; signs, leading zeros, out-of-range octets and prefixes go the general way")
    func ipv4() {
        let texts = ["198.51.100.7", "0.0.0.0", "255.255.255.255", "10.0.0.1", "01.2.3.4", "1.2.3.04", "256.1.1.1", "+1.2.3.4",
                     "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4/24", "1.2.3.4/32", "١.2.3.4", "1.2.3.4 ", "", "1000.1.1.1"]
        for text in texts {
            if let fast = PatternValues.plainIPv4(text) {
                #expect(fast == PatternValues.address(text, v6: false), "\(text)")
            }
        }
        #expect(PatternValues.plainIPv4("198.51.100.7") == ExportValue(type: .ipv4, value: "198.51.100.7"))
        #expect(PatternValues.plainIPv4("01.2.3.4") == nil && PatternValues.plainIPv4("+1.2.3.4") == nil)
    }

    @Test("plain host: lowercase ASCII without outer dots only; the host-name rules unchanged")
    func host() {
        for text in ["evil.example", "c2_x-1.bad.example", "Evil.Example", ".evil.example", "evil.example.", "ex", "-a.example",
                     "a-.example", "é.example", "a..b", String(repeating: "a", count: 64) + ".example", "xn--e1afmkfd.example"] {
            #expect(PatternValues.plainHost(text) == (text == text.lowercased() && text.first != "." && text.last != "."
                                                       && text.unicodeScalars.allSatisfy { $0.isASCII }), "\(text)")
        }
        #expect(ValueRules.isHostName("evil.example") && ValueRules.isHostName("c2_x-1.bad.example"))
        #expect(!ValueRules.isHostName("ex") && !ValueRules.isHostName("-a.example") && !ValueRules.isHostName("a-.example"))
        #expect(!ValueRules.isHostName("a..b") && !ValueRules.isHostName(String(repeating: "a", count: 64) + ".example"))
        #expect(!ValueRules.isHostName("Evil.example") && !ValueRules.isHostName(""))
    }
}
