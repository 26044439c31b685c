// STIXPatterningTests — ValidPatternTests: patterns that must parse (the STIX 2.1 specification's
// section 9 examples and cti-pattern-validator's v2.1 passing cases), each checked to round-trip
// through its canonical text.

import Testing
import STIXPatterning

/// Examples from the STIX 2.1 specification, section 9 (as collected in cti-pattern-validator's
/// spec_examples.txt, with the 2.1 quoting of hyphenated property names and 2.1 object type names).
let specExamples: [String] = [
    #"[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']"#,
    #"[email-message:from_ref.value MATCHES '.+\\@example\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$']"#,
    #"[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']"#,
    #"[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']"#,
    #"([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) WITHIN 300 SECONDS"#,
    #"[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']"#,
    #"[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00']"#,
    #"[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\Windows\\System32']"#,
    #"[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]"#,
    #"[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']"#,
    #"[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']"#,
    #"[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS"#,
    #"[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']"#,
    #"[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']"#,
    #"[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']"#,
    #"[windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Microsoft\\CurrentVersion\\Run\\CryptoLocker_0388']"#,
    #"[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']"#,
    #"[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']"#,
    #"[x-usb-device:usbdrive.serial_number = '575833314133343231313937']"#,
    #"[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS"#,
    #"[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']"#,
    #"([file:name = 'foo.dll'] AND [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo']"#,
    // Section 9 constructs new in 2.1: EXISTS and START/STOP with timestamp literals.
    #"[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']"#,
    #"[EXISTS windows-registry-key:values]"#,
    #"[file:name = 'malware.exe'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'"#,
]

/// cti-pattern-validator stix2patterns/test/v21/test_validator.py PASS_CASES (plus its test_inspector.py patterns).
let validatorPassCases: [String] = [
    "[file:size = 1280]",
    "[file:size != 1280]",
    "[file:size < 1024]",
    "[file:size <= 1024]",
    "[file:size > 1024]",
    "[file:size >= 1024]",
    "[file:file_name = 'my_file_name']",
    "[file:extended_properties.'ntfs-ext'.sid = '234']",
    #"[emailaddr:value MATCHES '.+\\@ibm\\.com$' OR file:name MATCHES '^Final Report.+\\.exe$']"#,
    "[ipv4addr:value ISSUBSET '192.168.0.1/24']",
    "[ipv4addr:value NOT ISSUBSET '192.168.0.1/24']",
    "[user-account:value = 'Peter'] AND [user-account:value != 'Paul'] AND [user-account:value = 'Mary'] WITHIN 5 SECONDS",
    "[file:file_system_properties.file_name LIKE 'name%']",
    "[file:file_name IN ('test.txt', 'test2.exe', 'README')]",
    "[file:size IN (1024, 2048, 4096)]",
    "[network-connection:extended_properties[0].source_payload MATCHES 'dGVzdHRlc3R0ZXN0']",
    #"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 SECONDS"#,
    "[x_whatever:detected == t'2018-03-22T12:11:14.1Z']",
    "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
    "[foo:bar=1] REPEATS 9 TIMES",
    "[network-traffic:start = '2018-04-20T12:36:24.558Z']",
    "( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])",
    #"([win-registry-key:key = 'hkey_local_machine\\foo\\bar']) WITHIN 5 SECONDS WITHIN 6 SECONDS"#,
    #"([win-registry-key:key = 'hkey_local_machine\\foo\\bar'] REPEATS 2 TIMES) REPEATS 2 TIMES"#,
    "[network-traffic:src_port = 37020 AND user-account:user_id = 'root'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' OR [ipv4-addr:value = '192.168.122.83'] START t'2016-06-01T03:55:00.123Z' STOP t'2016-06-01T04:30:24.743Z'",
    "[foo:bar = 1] WITHIN 10.3 SECONDS",
    "[foo:bar = 1] START t'1932-11-12T15:42:15Z' STOP t'1964-10-23T21:12:26Z'",
    "[foo:bar = 1] REPEATS 1 TIMES AND [foo:baz = 2] WITHIN 1.23 SECONDS",
    "([foo:bar = 1] START t'1932-11-12T15:42:15Z' STOP t'1964-10-23T21:12:26Z' AND [foo:abc < h'12ab']) WITHIN 22 SECONDS OR [frob:baz NOT IN (1,2,3)] REPEATS 31 TIMES",
    "[foo:bar = 1] OR ([foo:baz = false] FOLLOWEDBY [frob:abc LIKE '123']) WITHIN 46.1 SECONDS",
    "[foo:bar NOT !=1 OR bar:foo<12.3]",
    "[foo:bar=1 AND bar:foo NOT >33] REPEATS 12 TIMES OR   ([baz:bar ISSUBSET '1234'] FOLLOWEDBY [baz:quux NOT LIKE 'a_cd'])",
    "[obj-type:a.b[*][1].'c-d' NOT ISSUPERSET '1.2.3.4/16']",
]

/// Further grammar corners the OASIS grammar accepts.
let grammarCorners: [String] = [
    "[a:b <> 1]",                                   // NEQ spelled <>
    "[a:b NOT = 'x']",                              // NOT before =
    "[a:b NOT <= 5]",
    "[a:b NOT MATCHES '^x']",
    "[a:b IN ()]",                                  // empty set literal
    "[a:b IN ('x', 1, 2.5, true, t'2020-01-01T00:00:00Z', h'00', b'AAAA')]",
    "[a:'quoted first' = 1]",                       // quoted first path component
    "[a:b[-1] = 1]",                                // negative list index
    "[a:b[+2].c = 1]",
    "[a:b = -0.5 AND a:c = +3 AND a:d = .25 AND a:e = -7]",
    "[a:b = 007.5]",                                // leading zeros allowed in decimals
    "[a:b = h'']",                                  // empty hex
    "[a:b = b'YQ==' OR a:b = b'YWI=' OR a:b = b'YWJj']",
    "[a:b = t'2016-02-29T23:59:60.123456789Z']",    // leap day, leap second, long fraction
    "[a:b = 'it\\'s \\\\ ok']",
    "[a:b = 'unicode: 日本語 🙂 é']",
    "[a:b = 'multi\nline']",
    "[a:b=1]AND[c:d=2]FOLLOWEDBY[e:f=3]",           // no spaces needed
    "\t\n [a:b = 1] \r\n",
    "\u{00A0}[a:b = 1]\u{3000}\u{2028}",            // Unicode whitespace from the grammar's WS rule
    "/* leading comment */ [a:b = 1] // trailing comment",
    "[a:b = 1] WITHIN +5 SECONDS",
    "[a:b = 1] WITHIN 0.5 SECONDS",
    "[a:b = 1] REPEATS 2 TIMES WITHIN 10 SECONDS START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00.001Z'",
    "[_a:_b = 1]",
    "[x-acme-widget:x_acme_flag = true]",
    "[a:b = 1] AND ([c:d = 2] OR ([e:f = 3] FOLLOWEDBY [g:h = 4]))",
    "[((a:b = 1))]",
    "[file:hashes.'SHA-1' = '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12' AND file:hashes.ssdeep = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']",
    "[file:hashes.TLSH = 'anything goes for algorithms without a fixed format']",
    "[file:hashes.MD5 LIKE 'cead%']",               // hash check applies to =, != and IN only
]

@Test("STIX 2.1 specification examples parse", arguments: specExamples)
func specExampleParses(_ text: String) throws {
    let pattern = try STIXPattern.parse(text)
    #expect(!pattern.comparisons.isEmpty)
    #expect(try STIXPattern.parse(pattern.description) == pattern)
}

@Test("cti-pattern-validator passing cases parse", arguments: validatorPassCases)
func validatorPassCaseParses(_ text: String) throws {
    let pattern = try STIXPattern.parse(text)
    #expect(!pattern.comparisons.isEmpty)
    #expect(try STIXPattern.parse(pattern.description) == pattern)
}

@Test("grammar corner cases parse", arguments: grammarCorners)
func grammarCornerParses(_ text: String) throws {
    let pattern = try STIXPattern.parse(text)
    #expect(!pattern.comparisons.isEmpty)
    #expect(try STIXPattern.parse(pattern.description) == pattern)
}

@Test func canonicalTextIsStable() throws {
    let pattern = try STIXPattern.parse(#"[ file:hashes.'MD5'=='cead3f77f6cda6ec00f57d76c9a6879f' OR file:size<>+10 ]AND([a:'b c'[*] IN(1,'x')])WITHIN 300.0 SECONDS"#)
    #expect(pattern.description == #"[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f' OR file:size != 10] AND [a:'b c'[*] IN (1, 'x')] WITHIN 300 SECONDS"#)
}
