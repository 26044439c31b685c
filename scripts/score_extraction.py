#!/usr/bin/env python3
# scripts/score_extraction.py
# Owns measuring `kakehashi extract email` against the labelled corpus of Tests/ExtractionCorpus:
# generates the corpus (pool A for development, B for validation), runs the binary on every
# message, reads the fields back out of the STIX bundle, and reports per-field and per-family
# precision/recall/F1, victim identifiers leaking into the anonymised preview, blocked previews,
# how many indicators the preview keeps, and messages whose attack e-mail was not the one extracted.
#
#   scripts/score-extraction --bin PATH [--pool A|B] [--count N] [--seed S] [--json OUT] [--check]
#                            [--corpus DIR] [--keep DIR] [--jobs 2] [--examples 5]
import argparse
import base64
import binascii
import concurrent.futures
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATOR = os.path.join(ROOT, "Tests", "ExtractionCorpus", "generate.py")
SELFCHECK = os.path.join(ROOT, "Tests", "ExtractionCorpus", "selfcheck.py")

FAMILIES = {
    "header": ["sender", "subject", "date", "message_id", "hops"],
    "files": ["attachments", "zip_members", "hashes"],
    "network": ["urls", "domains", "ips", "addresses"],
    "cves": ["cves"],
    "victims": ["victim_identifiers"],
}
FIELDS = [f for fields in FAMILIES.values() for f in fields]
TARGET_F1 = 0.98
MIN_IDENTIFIER = 3  # identifiers shorter than this (after normalisation) are not leak-checked


# ---------------------------------------------------------------------------------------------
# Normalisation


def norm(value):
    """NFKC, casefold, no whitespace: the form in which truth and output are compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)).casefold())


def unicode_host(host):
    """IDN hosts compared in their Unicode form, whichever form either side wrote."""
    labels = []
    for label in host.split("."):
        if label.lower().startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                pass
        labels.append(label)
    return ".".join(labels)


def norm_url(url):
    try:
        parts = urllib.parse.urlsplit(url)
        netloc = parts.netloc
        host = parts.hostname or ""
        if host:
            netloc = netloc.replace(netloc.split("@")[-1].split(":")[0], unicode_host(host), 1) \
                if not netloc.split("@")[-1].startswith("[") else netloc
        return norm(urllib.parse.urlunsplit((parts.scheme.lower(), netloc.lower(), parts.path, parts.query,
                                             parts.fragment)))
    except ValueError:
        return norm(url)


def normalised(field, value):
    if field in ("urls",):
        return norm_url(value)
    if field == "domains":
        return norm(unicode_host(value.rstrip(".")))
    if field in ("hashes",):
        return value.lower().strip()
    if field == "cves":
        return norm(value).upper()
    if field == "date":
        return norm(re.sub(r"\.\d+Z$", "Z", value))
    return norm(value)


# ---------------------------------------------------------------------------------------------
# Reading the extractor's output


IP_TOKEN = r"(?:IPv6:)?(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+)"


def received_ips(line):
    """Sending IPs of one Received line: the addresses in the TCP-info comment of the from clause
    (`(host [1.2.3.4])`, `(1.2.3.4)`, `([1.2.3.4])`), else a bare `from [1.2.3.4]` (Exim). The HELO
    name is not the sender, even when it is an address (`from [192.168.0.2] (unknown [5.6.7.8])`)."""
    head = re.split(r"\sby\s", line, maxsplit=1)[0]
    ips = []
    for comment in re.findall(r"\(([^()]*)\)", head):
        ips += re.findall(r"\[" + IP_TOKEN + r"\]", comment)
        ips += re.findall(r"^\s*" + IP_TOKEN + r"\s*$", comment)
    if not ips:
        ips = re.findall(r"^\s*from\s+\[?" + IP_TOKEN + r"\]?(?:\s|$)", head)
    return [ip for ip in ips if ip not in ("127.0.0.1", "::1")]


def fields_from_output(output):
    bundle = output.get("bundle") or {}
    objects = bundle.get("objects") or []
    by_id = {o.get("id"): o for o in objects if isinstance(o, dict)}
    got = {f: set() for f in FIELDS}
    member_ids = set()

    def walk_members(file_obj, seen):
        for ref in (((file_obj.get("extensions") or {}).get("archive-ext") or {}).get("contains_refs") or []):
            if ref in seen:
                continue
            seen.add(ref)
            member_ids.add(ref)
            if ref in by_id:
                walk_members(by_id[ref], seen)

    for o in objects:
        kind = o.get("type")
        if kind == "email-message":
            sender = by_id.get(o.get("from_ref"), {})
            if sender.get("value"):
                got["sender"].add(sender["value"])
            for key in ("subject", "date", "message_id"):
                if o.get(key):
                    got[key].add(o[key])
            for line in o.get("received_lines") or []:
                got["hops"].update(received_ips(line))
            for part in o.get("body_multipart") or []:
                f = by_id.get(part.get("body_raw_ref"))
                if f and f.get("type") == "file":
                    got["attachments"].add("%s|%s" % (f.get("name", ""), (f.get("hashes") or {}).get("SHA-256", "")))
        elif kind == "file":
            for value in (o.get("hashes") or {}).values():
                got["hashes"].add(value)
            walk_members(o, set())
        elif kind == "url":
            got["urls"].add(o.get("value", ""))
        elif kind == "domain-name":
            got["domains"].add(o.get("value", ""))
        elif kind in ("ipv4-addr", "ipv6-addr"):
            got["ips"].add(o.get("value", ""))
        elif kind == "email-addr":
            got["addresses"].add(o.get("value", ""))
        elif kind == "vulnerability":
            got["cves"].add(o.get("name", ""))
    for ref in member_ids:
        f = by_id.get(ref) or {}
        got["zip_members"].add("%s|%s" % (f.get("name", ""), (f.get("hashes") or {}).get("SHA-256", "")))
    got["victim_identifiers"] = set(output.get("victim_identifiers") or [])
    return got


def truth_sets(truth):
    expected = {f: set() for f in FIELDS}
    for key in ("sender", "subject", "date", "message_id"):
        if truth.get(key):
            expected[key].add(truth[key])
    for key in ("hops", "urls", "domains", "ips", "addresses", "hashes", "cves", "victim_identifiers"):
        expected[key] = set(truth.get(key) or [])
    expected["attachments"] = {"%s|%s" % (a["name"], a["sha256"]) for a in truth["attachments"]}
    expected["zip_members"] = {"%s|%s" % (m["name"], m["sha256"] or "") for m in truth["zip_members"]}
    return expected


def compare(field, expected, got, truth):
    """(tp, fp, fn, missing, extra) for one field of one message, on normalised values."""
    exp = {normalised(field, v): v for v in expected if v}
    out = {normalised(field, v): v for v in got if v}
    if field == "zip_members":
        # An encrypted member has no hash in the truth: compare its name only.
        nameless = {k for k in exp if k.endswith("|")}
        out = {(k.split("|")[0] + "|" if k not in exp and k.split("|")[0] + "|" in nameless else k): v
               for k, v in out.items()}
    if field == "domains":
        benign = {norm(b) for b in truth.get("benign") or []}
        out = {k: v for k, v in out.items() if k not in benign}
    tp = len(exp.keys() & out.keys())
    missing = [exp[k] for k in sorted(exp.keys() - out.keys())]
    extra = [out[k] for k in sorted(out.keys() - exp.keys())]
    return tp, len(extra), len(missing), missing, extra


# ---------------------------------------------------------------------------------------------
# The anonymised preview


def decoded_forms(text):
    """The preview text and what hides in it: percent-encoding (repeated), HTML entities, JSON \\u
    escapes, and base64 of any long base64-looking token."""
    forms = [text]
    current = text
    for _ in range(4):
        decoded = urllib.parse.unquote(current)
        if decoded == current:
            break
        forms.append(decoded)
        current = decoded
    forms.append(html.unescape(text))
    forms.append(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text))
    for token in set(re.findall(r"[A-Za-z0-9+/_-]{12,}={0,2}", text)):
        for decoder in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decoder(token.rstrip("=") + "=" * (-len(token.rstrip("=")) % 4))
                value = raw.decode("utf-8")
            except (binascii.Error, ValueError, UnicodeDecodeError):
                continue
            if value and sum(c.isprintable() for c in value) / len(value) > 0.9:
                forms.append(value)
    return [norm(f) for f in forms]


def preview_objects(output):
    preview = output.get("anonymized_preview") or {}
    if isinstance(preview, dict):
        return preview.get("objects") or []
    return preview if isinstance(preview, list) else []


def bundle_has_indicators(output):
    objects = (output.get("bundle") or {}).get("objects") or []
    return any(o.get("type") in ("indicator", "url", "domain-name", "ipv4-addr", "ipv6-addr", "file", "email-addr")
               for o in objects if isinstance(o, dict))


# ---------------------------------------------------------------------------------------------
# Running


def run_one(binary, path, timeout):
    started = time.monotonic()
    try:
        proc = subprocess.run([binary, "extract", "email", path], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout after %ds" % timeout, time.monotonic() - started
    except OSError as error:
        return None, "cannot run: %s" % error, time.monotonic() - started
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        return None, "exit %d: %s" % (proc.returncode, proc.stderr.decode("utf-8", "replace").strip()[:300]), elapsed
    try:
        return json.loads(proc.stdout.decode("utf-8")), None, elapsed
    except ValueError as error:
        return None, "output is not JSON: %s" % error, elapsed


def layer_category(layer):
    """Groups attack layers for the per-layer table: depth 1 by form, deeper ones by the innermost form."""
    if layer == "direct":
        return "direct (.eml uploaded)"
    depth = layer.rsplit(" depth ", 1)[-1]
    innermost = layer.split(" in ")[0].split(" depth ")[0]
    if depth == "1":
        return innermost
    innermost = re.sub(r" \(.*\)", "", innermost)
    return "depth %s, innermost %s" % (depth if depth in ("2", "3") else "3+", innermost)


def f1(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def short(value, width=90):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[:width - 1] + "…"


def score(args, corpus):
    names = sorted(n[:-len(".eml")] for n in os.listdir(corpus) if n.endswith(".eml"))
    truths = {}
    for stem in names:
        with open(os.path.join(corpus, stem + ".truth.json"), encoding="utf-8") as f:
            truths[stem] = json.load(f)
    started = time.monotonic()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_one, args.bin, os.path.join(corpus, stem + ".eml"), args.timeout): stem
                   for stem in names}
        for future in concurrent.futures.as_completed(futures):
            results[futures[future]] = future.result()
    wall = time.monotonic() - started

    counts = {f: [0, 0, 0] for f in FIELDS}
    examples = {f: [] for f in FIELDS}
    errors, leaks, wrong, blocked, warned = [], [], [], [], 0
    kept = total_values = 0
    per_message = {}
    skipped_short = set()
    kinds = {}    # victim identifier kind -> [total, found by the extractor, leaked]
    layers = {}   # layer category -> counters
    for stem in names:
        truth = truths[stem]
        output, error, _ = results[stem]
        expected = truth_sets(truth)
        if error:
            errors.append((stem, error))
            output = {}
        got = fields_from_output(output)
        detail = {"attack_layer": truth["attack_layer"]}
        for field in FIELDS:
            tp, fp, fn, missing, extra = compare(field, expected[field], got[field], truth)
            c = counts[field]
            c[0] += tp
            c[1] += fp
            c[2] += fn
            if missing or extra:
                detail[field] = {"missing": missing, "extra": extra}
                examples[field].append((stem, truth["attack_layer"], missing, extra))
        per_message[stem] = detail
        category = layers.setdefault(layer_category(truth["attack_layer"]), {
            "messages": 0, "wrong": 0, "leaks": 0, **{fam: [0, 0, 0] for fam in FAMILIES}})
        category["messages"] += 1
        for fam, fields in FAMILIES.items():
            for field in fields:
                tp, fp, fn, _, _ = compare(field, expected[field], got[field], truth)
                for i, v in enumerate((tp, fp, fn)):
                    category[fam][i] += v
        got_victims = {norm(v) for v in got["victim_identifiers"]}
        for identifier, kind in (truth.get("victim_kinds") or {}).items():
            k = kinds.setdefault(kind, [0, 0, 0])
            k[0] += 1
            k[1] += norm(identifier) in got_victims
        if error:
            continue
        # Wrong attack: the extractor named a different message (or none at all).
        reasons = []
        for field in ("sender", "subject", "message_id"):
            exp = {normalised(field, v) for v in expected[field]}
            out = {normalised(field, v) for v in got[field]}
            if out and out != exp:
                reasons.append("%s: expected %s, got %s" % (field, sorted(expected[field]) or "none", sorted(got[field])))
        if not any(got[f] for f in ("sender", "subject", "message_id")) and (truth["sender"] or truth["subject"]):
            reasons.append("no sender, subject or Message-ID extracted")
        if reasons:
            wrong.append((stem, truth["attack_layer"], reasons))
            category["wrong"] += 1
        # Leaks into the anonymised preview.
        preview = preview_objects(output)
        forms = decoded_forms(json.dumps(preview, ensure_ascii=False))
        for identifier in truth["victim_identifiers"]:
            n = norm(identifier)
            if len(n) < MIN_IDENTIFIER:
                skipped_short.add(identifier)
                continue
            if any(n in form for form in forms):
                leaks.append((stem, identifier))
                category["leaks"] += 1
                kind = (truth.get("victim_kinds") or {}).get(identifier)
                if kind:
                    kinds[kind][2] += 1
        if not preview and bundle_has_indicators(output):
            blocked.append((stem, [w for w in output.get("warnings") or [] if "blocked" in w][:1]))
        plain = forms[0]
        for value in truth["indicator_values"]:
            total_values += 1
            kept += norm(value) in plain
        if any(str(w).startswith("attack message:") for w in output.get("warnings") or []):
            warned += 1

    family_scores = {}
    for family, fields in FAMILIES.items():
        tp = sum(counts[f][0] for f in fields)
        fp = sum(counts[f][1] for f in fields)
        fn = sum(counts[f][2] for f in fields)
        family_scores[family] = f1(tp, fp, fn)
    all_tp, all_fp, all_fn = (sum(counts[f][i] for f in FIELDS) for i in range(3))
    return {
        "corpus": {"pool": args.pool, "count": len(names), "seed": args.seed},
        "fields": {f: {"tp": c[0], "fp": c[1], "fn": c[2], "precision": f1(*c)[0], "recall": f1(*c)[1], "f1": f1(*c)[2]}
                   for f, c in counts.items()},
        "micro_f1": f1(all_tp, all_fp, all_fn)[2],
        "families": {k: {"precision": v[0], "recall": v[1], "f1": v[2]} for k, v in family_scores.items()},
        "leaks": {"pairs": len(leaks), "messages": len({s for s, _ in leaks}), "first": leaks[:20],
                  "skipped_short_identifiers": sorted(skipped_short)},
        "blocked_previews": {"count": len(blocked), "first": blocked[:20]},
        "utility": {"kept": kept, "total": total_values, "fraction": kept / total_values if total_values else 1.0},
        "wrong_attack": {"count": len(wrong), "first": wrong[:20]},
        "errors": {"count": len(errors), "first": errors[:20]},
        "attack_message_warnings": warned,
        "timing": {"seconds": wall, "messages_per_second": len(names) / wall if wall else 0.0, "jobs": args.jobs},
        "victim_kinds": {k: {"identifiers": v[0], "found": v[1], "recall": v[1] / v[0] if v[0] else 1.0,
                             "leaked": v[2]} for k, v in sorted(kinds.items(), key=lambda kv: -kv[1][0])},
        "layers": {name: {"messages": c["messages"], "wrong_attack": c["wrong"], "leaks": c["leaks"],
                          **{fam: f1(*c[fam])[2] for fam in FAMILIES}}
                   for name, c in sorted(layers.items())},
        "examples": {f: examples[f] for f in FIELDS},
        "per_message": per_message,
    }


def report(result, examples_per_field):
    c = result["corpus"]
    print("Extraction corpus: pool %s, %d messages, seed %s; binary %s (modified %s)" % (
        c["pool"], c["count"], c["seed"], result["binary"]["path"], result["binary"]["modified"]))
    print()
    print("| field | TP | FP | FN | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for field, s in result["fields"].items():
        print("| %s | %d | %d | %d | %.3f | %.3f | %.3f |" % (field, s["tp"], s["fp"], s["fn"], s["precision"],
                                                            s["recall"], s["f1"]))
    print()
    print("| family | precision | recall | F1 | target |")
    print("|---|---:|---:|---:|---|")
    for family, s in result["families"].items():
        print("| %s | %.3f | %.3f | %.3f | %s |" % (family, s["precision"], s["recall"], s["f1"],
                                                   "ok" if s["f1"] >= TARGET_F1 else "below %.2f" % TARGET_F1))
    print()
    leaks, blocked, wrong = result["leaks"], result["blocked_previews"], result["wrong_attack"]
    u = result["utility"]
    t = result["timing"]
    print("| measure | value |")
    print("|---|---:|")
    print("| micro F1 (all fields) | %.3f |" % result["micro_f1"])
    print("| victim identifiers in anonymised previews (message x identifier) | %d (in %d messages) |"
          % (leaks["pairs"], leaks["messages"]))
    print("| blocked or empty previews (bundle had indicators) | %d |" % blocked["count"])
    print("| indicator values kept in the preview | %d / %d (%.1f %%) |" % (u["kept"], u["total"], 100 * u["fraction"]))
    print("| messages whose attack e-mail was not the one extracted | %d |" % wrong["count"])
    print("| extraction failures (exit status, timeout, not JSON) | %d |" % result["errors"]["count"])
    print("| messages warned 'attack message: ...' | %d |" % result["attack_message_warnings"])
    print("| extraction speed (%d jobs) | %.1f messages/s |" % (t["jobs"], t["messages_per_second"]))
    print()
    print("| victim identifier kind | identifiers | found by the extractor | recall | leaked into previews |")
    print("|---|---:|---:|---:|---:|")
    for kind, v in result["victim_kinds"].items():
        print("| %s | %d | %d | %.3f | %d |" % (kind, v["identifiers"], v["found"], v["recall"], v["leaked"]))
    print()
    print("| attack layer | messages | wrong attack | leaks | header F1 | files F1 | network F1 | victims F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, v in result["layers"].items():
        print("| %s | %d | %d | %d | %.3f | %.3f | %.3f | %.3f |" % (name, v["messages"], v["wrong_attack"], v["leaks"],
                                                                  v["header"], v["files"], v["network"], v["victims"]))
    print()
    if leaks["skipped_short_identifiers"]:
        print("Leak check skips identifiers shorter than %d characters: %s" % (
            MIN_IDENTIFIER, ", ".join(leaks["skipped_short_identifiers"][:10])))
    for title, rows in (("Leaks", leaks["first"]), ("Wrong attack", wrong["first"]),
                        ("Blocked previews", blocked["first"]), ("Failures", result["errors"]["first"])):
        if rows:
            print("\n%s (first %d):" % (title, len(rows)))
            for row in rows:
                print("  " + " | ".join(short(x, 160) for x in row))
    if examples_per_field:
        worst = sorted(result["fields"].items(), key=lambda kv: kv[1]["f1"])
        print("\nExamples of the weakest fields, from varied attack layers (message, layer, missing = expected but not "
              "found, extra = found but not expected):")
        for field, s in worst:
            if s["f1"] >= 1.0:
                continue
            print("\n  %s (F1 %.3f):" % (field, s["f1"]))
            for stem, layer, missing, extra in varied(result["examples"][field], examples_per_field):
                print("    %s [%s] missing=%s extra=%s" % (stem, layer, short(missing), short(extra)))


def varied(examples, count):
    """Examples from as many attack layers as possible (one per layer category in turn)."""
    groups = {}
    for example in examples:
        groups.setdefault(layer_category(example[1]), []).append(example)
    chosen = []
    while len(chosen) < count and any(groups.values()):
        for name in sorted(groups, key=lambda g: -len(groups[g])):  # the commonest failures first
            if groups[name] and len(chosen) < count:
                chosen.append(groups[name].pop(0))
    return sorted(chosen)


def passed(result):
    return (all(s["f1"] >= TARGET_F1 for s in result["families"].values()) and result["leaks"]["pairs"] == 0
            and result["wrong_attack"]["count"] == 0 and result["blocked_previews"]["count"] == 0
            and result["errors"]["count"] == 0)


def main():
    parser = argparse.ArgumentParser(description="Score `kakehashi extract email` on the labelled corpus.")
    parser.add_argument("--bin", required=True, help="the kakehashi binary")
    parser.add_argument("--pool", choices=["A", "B"], default="A", help="A: development, B: validation")
    parser.add_argument("--count", type=int, default=320)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--json", help="write the full result (per message) to this file")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 unless every family F1 >= 0.98 and no leak, wrong attack, blocked preview or failure")
    parser.add_argument("--corpus", help="score this existing corpus directory instead of generating one")
    parser.add_argument("--keep", help="generate the corpus into this directory and keep it")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--examples", type=int, default=5, help="examples printed per failing field")
    args = parser.parse_args()
    binary_path = args.bin
    if not os.access(args.bin, os.X_OK):
        sys.exit("error: %s is not an executable" % args.bin)

    # A snapshot of the binary: others rebuild it while a run is under way, and one run must measure
    # one build (and not fail with ETXTBSY halfway).
    snapshot = tempfile.mkdtemp(prefix="kakehashi-bin-")
    binary = os.path.join(snapshot, "kakehashi")
    shutil.copy2(args.bin, binary)
    built = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(os.stat(args.bin).st_mtime))
    args.bin = binary
    temporary = None
    corpus = args.corpus
    if not corpus:
        corpus = args.keep or tempfile.mkdtemp(prefix="kakehashi-corpus-")
        temporary = None if args.keep else corpus
        subprocess.run([sys.executable, GENERATOR, "--out", corpus, "--count", str(args.count), "--seed", args.seed,
                        "--pool", args.pool], check=True)
        # The labels are trusted only when an independent reader finds every one of them in its message.
        check = subprocess.run([sys.executable, SELFCHECK, corpus], capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit("error: the generated corpus fails its self-check:\n" + check.stdout[-3000:])
    try:
        result = score(args, corpus)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(snapshot, ignore_errors=True)
    result["binary"] = {"path": os.path.abspath(binary_path), "modified": built}
    report(result, args.examples)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
    if args.check:
        ok = passed(result)
        print("\ncheck: %s" % ("passed" if ok else "FAILED"))
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
