// DemoCorpus — BenchmarkIndicators.swift
// Owns the fast generator of uniform benchmark indicators: ~600–900 byte STIX 2.1 indicator objects
// with Japanese + English descriptions, valid patterns (IPv4, domain, URL, SHA-256) and TLP 2.0
// markings, written byte by byte from precomputed pieces. Object i depends only on (seed, i); ids
// are distinct within a seed by construction (the UUID's last 48 bits are a keyed bijection of i).

struct BenchmarkIndicatorWriter {
    private let base: UInt64
    private let key: UInt64
    private let bytesHead: [UInt8]
    private let createdBy: [UInt8]
    private let kinds: [Kind]
    private let malware: [(name: [UInt8], ja: [UInt8])]
    private let tail1: [UInt8], tail2: [UInt8]
    private let markings: [[UInt8]]
    private let words: [[UInt8]]
    private let zones: [[UInt8]]
    private let paths: [[UInt8]]

    private struct Kind {
        let patternHead: [UInt8]
        let nameHead: [UInt8]
        let ja1: [UInt8], ja2: [UInt8], en1: [UInt8], en2: [UInt8]
        let phase: [UInt8]
        let labels: [UInt8]
    }

    init(seed: UInt64) {
        base = DemoRandom.mix(seed ^ 0x0042_454E_4348_4D4B)  // "BENCHMK"
        key = DemoRandom.mix(base ^ 0x5555_AAAA_5555_AAAA) & BenchmarkIndicatorWriter.mask48
        func b(_ s: String) -> [UInt8] { Array(s.utf8) }
        bytesHead = b("{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--")
        createdBy = b("\",\"created_by_ref\":\"\(DemoCorpus.hubIdentityID)\",\"created\":\"")
        kinds = [
            Kind(patternHead: b("[ipv4-addr:value = '"), nameHead: b("C2サーバ "),
                 ja1: b("動的解析装置で検知された "), ja2: b(" のC2サーバのIPアドレス。"),
                 en1: b("IP address of a C2 server of "), en2: b(" detected by a dynamic-analysis appliance."),
                 phase: b("command-and-control"), labels: b("[\"c2\",\"benchmark\"]")),
            Kind(patternHead: b("[domain-name:value = '"), nameHead: b("不正ドメイン "),
                 ja1: b("接続先解析システムが抽出した "), ja2: b(" の通信先ドメイン。"),
                 en1: b("Domain contacted by "), en2: b(", extracted by the destination-analysis system."),
                 phase: b("command-and-control"), labels: b("[\"c2\",\"benchmark\"]")),
            Kind(patternHead: b("[url:value = '"), nameHead: b("不正URL "),
                 ja1: b("標的型攻撃メールの本文に記載された、"), ja2: b(" をダウンロードさせるURL。"),
                 en1: b("URL in the body of a targeted-attack e-mail that downloads "), en2: b("."),
                 phase: b("initial-access"), labels: b("[\"targeted-attack\",\"benchmark\"]")),
            Kind(patternHead: b("[file:hashes.'SHA-256' = '"), nameHead: b("マルウェア検体 SHA-256 "),
                 ja1: b("会員組織から提供された検体（"), ja2: b("）のハッシュ値。"),
                 en1: b("Hash of a specimen of "), en2: b(" provided by a member organisation."),
                 phase: b("execution"), labels: b("[\"malware-sample\",\"benchmark\"]")),
        ]
        malware = ThreatCatalog.malware.map { (b($0.name), b($0.name)) }
        tail1 = b("\",\"pattern_type\":\"stix\",\"valid_from\":\"")
        tail2 = b(",\"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":\"")
        markings = [DemoTLP.green, .green, .green, .green, .amber, .amber, .amber, .clear, .clear, .red].map { b($0.markingID) }
        words = ObservableFactory.words.map(b)
        zones = ObservableFactory.zones.map(b)
        paths = ["/download/", "/share/document/", "/file/get?token=", "/news/article/", "/api/v2/check?id="].map(b)
    }

    static let mask48: UInt64 = 0x0000_FFFF_FFFF_FFFF

    /// A keyed bijection on 48-bit values (each step is invertible modulo 2^48).
    @inline(__always)
    private func permute48(_ value: UInt64) -> UInt64 {
        let m = BenchmarkIndicatorWriter.mask48
        var x = (value ^ key) & m
        x = (x &* 0x9E37_79B9_7F4B) & m
        x ^= x >> 23
        x = (x &* 0xD1B5_4A32_D195) & m
        x ^= x >> 19
        x = (x &* 0x94D0_49BB_1331) & m
        return x
    }

    /// Appends the JSON text of benchmark indicator `index`.
    func write(index: Int, into out: inout [UInt8]) {
        var scratch = [UInt8]()
        write(index: index, into: &out, scratch: &scratch)
    }

    /// As `write(index:into:)`, reusing `value` as scratch space for the observable's text.
    func write(index: Int, into out: inout [UInt8], scratch value: inout [UInt8]) {
        var rng = DemoRandom(seed: DemoRandom.mix(base ^ DemoRandom.mix(UInt64(truncatingIfNeeded: index))))
        let kind = kinds[index & 3]
        let mal = malware[rng.int(malware.count)]
        let r1 = rng.next(), r2 = rng.next(), r3 = rng.next()

        out.append(contentsOf: bytesHead)
        UUIDText.appendV4(hi: rng.next(), lo: (r1 & 0xFFFF_0000_0000_0000) | permute48(UInt64(truncatingIfNeeded: index)), to: &out)
        out.append(contentsOf: createdBy)
        let span = UInt64(DemoTime.windowLength - 200 * DemoTime.millisPerDay)
        let created = DemoTime.windowStart + Int64(r2 % span)
        let modified = created + Int64((r2 >> 40) % UInt64(2 * DemoTime.millisPerDay))
        let validFrom = created - Int64((r3 >> 20) % UInt64(DemoTime.millisPerDay))
        let validUntil = validFrom + Int64(30 + (r3 % 151)) * DemoTime.millisPerDay
        DemoTime.append(created, to: &out)
        out.append(contentsOf: "\",\"modified\":\"".utf8)
        DemoTime.append(modified, to: &out)

        // The observable value, written once into a small buffer and reused in name, description and pattern.
        value.removeAll(keepingCapacity: true)
        switch index & 3 {
        case 0:
            let p = permute48(UInt64(truncatingIfNeeded: index) &+ 0x1234_5678)
            value.append(contentsOf: "100.".utf8)
            appendDecimal(64 + Int((p >> 16) & 63), &value); value.append(UInt8(ascii: "."))
            appendDecimal(Int((p >> 8) & 255), &value); value.append(UInt8(ascii: "."))
            appendDecimal(1 + Int(p % 254), &value)
        case 1:
            value.append(contentsOf: words[Int(r3 >> 58) % words.count])
            value.append(UInt8(ascii: "-"))
            appendHex(rng.next(), 10, &value)
            value.append(UInt8(ascii: "."))
            value.append(contentsOf: zones[Int((r3 >> 50) & 0xFF) % zones.count])
        case 2:
            value.append(contentsOf: "https://".utf8)
            value.append(contentsOf: words[Int(r3 >> 58) % words.count])
            appendDecimal(Int((r3 >> 44) & 0x3FF), &value)
            value.append(UInt8(ascii: "."))
            value.append(contentsOf: zones[Int((r3 >> 50) & 0xFF) % zones.count])
            value.append(contentsOf: paths[Int((r1 >> 8) & 0xFF) % paths.count])
            appendHex(rng.next(), 12, &value)
        default:
            for _ in 0..<4 { appendHex(rng.next(), 16, &value) }
        }

        out.append(contentsOf: "\",\"name\":\"".utf8)
        out.append(contentsOf: kind.nameHead)
        if index & 3 == 3 { out.append(contentsOf: value[0..<16]); out.append(contentsOf: "…".utf8) }
        else { out.append(contentsOf: value) }
        out.append(contentsOf: "\",\"description\":\"".utf8)
        out.append(contentsOf: kind.ja1); out.append(contentsOf: mal.ja); out.append(contentsOf: kind.ja2)
        out.append(contentsOf: "\\n\\n".utf8)
        out.append(contentsOf: kind.en1); out.append(contentsOf: mal.name); out.append(contentsOf: kind.en2)
        out.append(contentsOf: "\",\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"".utf8)
        out.append(contentsOf: kind.patternHead)
        out.append(contentsOf: value)
        out.append(contentsOf: "']".utf8)
        out.append(contentsOf: tail1)
        DemoTime.append(validFrom, to: &out)
        out.append(contentsOf: "\",\"valid_until\":\"".utf8)
        DemoTime.append(validUntil, to: &out)
        out.append(UInt8(ascii: "\""))
        if (r1 >> 12) & 3 == 0 {  // a quarter carry kill-chain phases
            out.append(contentsOf: tail2)
            out.append(contentsOf: kind.phase)
            out.append(contentsOf: "\"}]".utf8)
        }
        out.append(contentsOf: ",\"labels\":".utf8)
        out.append(contentsOf: kind.labels)
        out.append(contentsOf: ",\"confidence\":".utf8)
        appendDecimal(40 + Int((r1 >> 20) % 56), &out)
        out.append(contentsOf: ",\"object_marking_refs\":[\"".utf8)
        out.append(contentsOf: markings[Int((r1 >> 32) % UInt64(markings.count))])
        out.append(contentsOf: "\"]}".utf8)
    }

    @inline(__always)
    private func appendDecimal(_ value: Int, _ out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, &out) }
        out.append(UInt8(48 + value % 10))
    }

    @inline(__always)
    private func appendHex(_ word: UInt64, _ digits: Int, _ out: inout [UInt8]) {
        var w = word
        for _ in 0..<digits {
            let d = UInt8(truncatingIfNeeded: w & 0xF)
            out.append(d < 10 ? 48 + d : 87 + d)
            w >>= 4
        }
    }
}
