#!/usr/bin/env python3
# Specimens tests — generate-office-fixtures.py
# Writes minimal OOXML packages (report.docx, macro.xlsm) for FileKind's tests. Run from this folder.
import zipfile

def package(name, entries):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("[Content_Types].xml", date_time=(2024, 4, 1, 9, 0, 0))
        z.writestr(info, '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        for entry, text in entries:
            z.writestr(zipfile.ZipInfo(entry, date_time=(2024, 4, 1, 9, 0, 0)), text)

package("report.docx", [("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w:document>攻撃</w:document>")])
package("macro.xlsm", [("_rels/.rels", "<Relationships/>"), ("xl/workbook.xml", "<workbook/>"),
                       ("xl/vbaProject.bin", "Attribute VB_Name = \"Module1\"\nSub AutoOpen()\nEnd Sub\n")])
