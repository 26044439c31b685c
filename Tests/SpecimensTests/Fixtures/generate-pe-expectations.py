#!/usr/bin/env python3
# Specimens tests — generate-pe-expectations.py
# Writes pe-expectations.json: what pefile (pip install pefile) says about each PE fixture, for the
# Swift tests to compare with PortableExecutable. Run from this folder.
import json, pefile

out = {}
for name in ["console32.exe", "console64.exe", "gui32.exe", "library64.dll"]:
    pe = pefile.PE(name)
    out[name] = {
        "imphash": pe.get_imphash(),
        "machine": pe.FILE_HEADER.Machine,
        "timeDateStamp": pe.FILE_HEADER.TimeDateStamp,
        "subsystem": pe.OPTIONAL_HEADER.Subsystem,
        "isDLL": pe.is_dll(),
        "is64Bit": pe.OPTIONAL_HEADER.Magic == 0x20B,
        "entryPoint": pe.OPTIONAL_HEADER.AddressOfEntryPoint,
        "sections": [{"name": s.Name.rstrip(b"\0").decode(), "virtualSize": s.Misc_VirtualSize,
                      "rawSize": s.SizeOfRawData, "entropy": s.get_entropy()} for s in pe.sections],
        "imports": [{"library": e.dll.decode(),
                     "functions": [(i.name.decode() if i.name else None) for i in e.imports],
                     "ordinals": [i.ordinal if i.import_by_ordinal else None for i in e.imports]}
                    for e in pe.DIRECTORY_ENTRY_IMPORT],
    }
json.dump(out, open("pe-expectations.json", "w"), indent=1)
print({k: v["imphash"] for k, v in out.items()})
