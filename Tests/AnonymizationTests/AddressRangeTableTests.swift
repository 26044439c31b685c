// The range table k-corroboration screens addresses with: the same answers as checking each range
// text one by one, for IPv4, IPv6, IPv4-mapped addresses, /0 and host routes.
import Anonymization
import Testing

@Suite("Address range table")
struct AddressRangeTableTests {
    @Test("owners are exactly the ranges that contain the address, as range-by-range checks say")
    func agreesWithRangeByRange() {
        var generator = SystemRandomNumberGenerator()
        var ranges: [(String, Int)] = [("0.0.0.0/0", 0), ("2001:db8::/32", 1), ("198.51.100.7", 2), ("::ffff:203.0.113.0/120", 3),
                                       (" 192.0.2.0/24 ", 4), ("fe80::/10", 5)]
        for owner in 6..<300 {
            if Bool.random(using: &generator) {
                let base = (UInt32.random(in: 0...UInt32.max, using: &generator) & 0xC0A8_FFFF) | 0xC0A8_0000
                let length = Int.random(in: 8...32, using: &generator)
                ranges.append(("\(base >> 24).\(base >> 16 & 255).\(base >> 8 & 255).\(base & 255)/\(length)", owner))
            } else {
                let group = String(UInt16.random(in: 0...0xFF, using: &generator), radix: 16)
                ranges.append(("2001:db8:\(group)::/\(Int.random(in: 32...128, using: &generator))", owner))
            }
        }
        var table = AddressRangeTable<Int>()
        for (text, owner) in ranges {
            let added = table.insert(text, owner: owner)
            #expect(added, "\(text)")
        }
        let refused = table.insert("not-a-range/99", owner: 999)
        #expect(!refused)
        var addresses = ["192.168.1.1", "192.0.2.200", "198.51.100.7", "198.51.100.8", "::ffff:203.0.113.9", "203.0.113.9",
                         "::ffff:192.0.2.1", "2001:db8::1", "2001:db9::1", "fe80::1", "c2.example", "", "300.1.1.1"]
        for _ in 0..<500 {
            addresses.append("192.168.\(Int.random(in: 0...255, using: &generator)).\(Int.random(in: 0...255, using: &generator))")
            addresses.append("2001:db8:\(String(UInt16.random(in: 0...0xFF, using: &generator), radix: 16))::\(Int.random(in: 1...9, using: &generator))")
        }
        for address in addresses {
            let expected = Set(ranges.filter { AddressRangeText.range($0.0, contains: address) }.map(\.1))
            #expect(table.owners(of: address) == expected, "\(address)")
        }
        #expect(table.owners(of: "203.0.113.9").contains(0) && !table.owners(of: "203.0.113.9").contains(3))
        #expect(table.owners(of: "::ffff:203.0.113.9").contains(3))
    }
}
