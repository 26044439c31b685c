// Specimens — Imphash.swift
// The import hash (Mandiant's imphash) exactly as pefile's `get_imphash` computes it: for each
// imported function in table order, the lowercase library name without a .dll/.ocx/.sys extension,
// a dot, and the lowercase function name (ordinals resolved through pefile's tables, else
// "ord<N>"); the MD5 of those joined by commas.

import Crypto
import Foundation

enum Imphash {
    static func compute(_ imports: [PortableExecutable.ImportedLibrary]) -> String {
        var parts: [String] = []
        for library in imports {
            var name = library.name.lowercased()
            if let dot = name.lastIndex(of: "."), ["dll", "ocx", "sys"].contains(String(name[name.index(after: dot)...])) {
                name = String(name[..<dot])
            }
            for function in library.functions {
                let functionName = function.name ?? function.ordinal.map { "ord\($0)" } ?? ""
                guard !functionName.isEmpty else { continue }
                parts.append("\(name).\(functionName.lowercased())")
            }
        }
        return Insecure.MD5.hash(data: Data(parts.joined(separator: ",").utf8)).hexEncoded()
    }

    /// Characters pefile accepts in an imported function's name.
    static func isFunctionNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("._?@$()<>".utf8).contains(byte)
        }
    }

    /// Characters pefile accepts in an imported library's file name.
    static func isFileNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'()-@^_`{}~+,.;=[]:\\/".utf8).contains(byte)
        }
    }
}
