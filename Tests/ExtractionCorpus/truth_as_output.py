#!/usr/bin/env python3
# Tests/ExtractionCorpus/truth_as_output.py
# Owns checking the scorer itself: a stand-in for `kakehashi extract email FILE` that prints the
# truth next to FILE in the shape the scorer reads (a STIX-like bundle, victim identifiers, a preview
# holding only indicator_values). `scripts/score-extraction --bin Tests/ExtractionCorpus/truth_as_output.py`
# must report F1 1.000 for every field, 0 leaks, 0 wrong attacks and 0 blocked previews.
import json, sys
path = sys.argv[3]
t = json.load(open(path[:-4] + ".truth.json"))
objs = []
n = [0]
def add(o):
    n[0] += 1; o["id"] = "%s--%d" % (o["type"], n[0]); objs.append(o); return o["id"]
sender = add({"type": "email-addr", "value": t["sender"]})
for a in t["addresses"]:
    if a != t["sender"]: add({"type": "email-addr", "value": a})
members = []
for m in t["zip_members"]:
    o = {"type": "file", "name": m["name"]}
    if m["sha256"]: o["hashes"] = {"SHA-256": m["sha256"]}
    members.append(add(o))
parts = []
for i, a in enumerate(t["attachments"]):
    o = {"type": "file", "name": a["name"], "hashes": {"SHA-256": a["sha256"]}}
    if i == 0 and members: o["extensions"] = {"archive-ext": {"contains_refs": members}}
    parts.append({"body_raw_ref": add(o)})
add({"type": "file", "name": "texthashes", "hashes": {"h%d" % i: h for i, h in enumerate(t["hashes"])}})
msg = {"type": "email-message", "from_ref": sender, "subject": t["subject"], "date": t["date"],
       "received_lines": ["from x (x [%s]) by mx" % ip for ip in t["hops"]], "body_multipart": parts}
if t["message_id"]: msg["message_id"] = t["message_id"]
add(msg)
for u in t["urls"]: add({"type": "url", "value": u})
for d in t["domains"]: add({"type": "domain-name", "value": d})
for ip in t["ips"]: add({"type": "ipv4-addr", "value": ip})
for c in t["cves"]: add({"type": "vulnerability", "name": c})
preview = [{"type": "indicator", "pattern": v} for v in t["indicator_values"]]
print(json.dumps({"bundle": {"type": "bundle", "objects": objs}, "victim_identifiers": t["victim_identifiers"],
                  "anonymized_preview": {"type": "bundle", "objects": preview}, "warnings": []}, ensure_ascii=False))
