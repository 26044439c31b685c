#!/usr/bin/env python3
# scripts/score_campaigns.py
# Owns scoring the campaign engine against the labelled campaign corpus (Tests/CampaignCorpus): runs
# `kakehashi campaigns cluster DIR --json` (the real binary), compares each file's campaign with the
# truth by the adjusted Rand index (written here, no numpy), and says per true campaign where it fails
# (split into several candidates, or merged with other campaigns or singles).
#
#   scripts/score_campaigns.py --bin .build/debug/kakehashi --pool A            # development figures
#   scripts/score_campaigns.py --bin .build/debug/kakehashi --pool B --check    # validation; exit 1 below 0.95
#   scripts/score_campaigns.py --self-check                                     # the truth scored as output: 1.0
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "Tests", "CampaignCorpus")
TARGET = 0.95


def comb2(n):
    return n * (n - 1) // 2


def adjusted_rand_index(truth, predicted):
    """ARI of two labellings of the same items (dicts item -> label), Hubert & Arabie 1985."""
    items = sorted(truth)
    pairs = collections.Counter((truth[i], predicted[i]) for i in items)
    a = collections.Counter(truth[i] for i in items)
    b = collections.Counter(predicted[i] for i in items)
    index = sum(comb2(n) for n in pairs.values())
    sum_a = sum(comb2(n) for n in a.values())
    sum_b = sum(comb2(n) for n in b.values())
    expected = sum_a * sum_b / comb2(len(items)) if len(items) > 1 else 0
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def notes(truth, predicted, cases):
    """Per true campaign: into how many candidates it was split, and what else shares them."""
    by_true = collections.defaultdict(list)
    by_pred = collections.defaultdict(set)
    for item, label in truth.items():
        by_true[label].append(item)
        by_pred[predicted[item]].add(label)
    lines = []
    for label in sorted(by_true):
        items = by_true[label]
        parts = collections.Counter(predicted[i] for i in items)
        mixed = sorted({other for p in parts for other in by_pred[p]} - {label})
        if len(parts) > 1 or mixed:
            sizes = "+".join(str(n) for _, n in parts.most_common())
            lines.append("  %-22s %-9s %2d files in %d candidate(s) [%s]%s" % (
                label, cases[label], len(items), len(parts), sizes,
                ("; merged with " + ", ".join(mixed[:6]) + (" …" if len(mixed) > 6 else "")) if mixed else ""))
    return lines


def load_truth(directory):
    with open(os.path.join(directory, "truth.json"), encoding="utf-8") as f:
        raw = json.load(f)
    return {k: v["campaign"] for k, v in raw.items()}, {v["campaign"]: v["case"] for v in raw.values()}


def run(binary, directory, extra):
    command = [binary, "campaigns", "cluster", directory, "--json"]
    exclusions = os.path.join(directory, "exclusions.txt")
    if os.path.exists(exclusions):
        command += ["--exclusions", exclusions]
    result = subprocess.run(command + extra, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("kakehashi failed: %s" % result.stderr.strip())
    output = json.loads(result.stdout)
    return output


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(HERE, "..", ".build", "debug", "kakehashi"))
    parser.add_argument("--pool", choices=["A", "B"], default="A")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", help="an already generated corpus (default: generate one into a temporary folder)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the full re-clustering's ARI is below 0.95")
    parser.add_argument("--self-check", action="store_true", help="score the truth as output (must be 1.0)")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("extra", nargs="*", help="more arguments for `kakehashi campaigns cluster` (after --)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        directory = args.dir
        if directory is None:
            directory = os.path.join(scratch, "corpus")
            subprocess.run([sys.executable, os.path.join(CORPUS, "generate.py"), "--out", directory,
                            "--pool", args.pool, "--seed", str(args.seed)], check=True, capture_output=True)
        truth, cases = load_truth(directory)
        if args.self_check:
            score = adjusted_rand_index(truth, dict(truth))
            shuffled = {k: "x" for k in truth}
            print("truth as output: ARI %.3f; everything in one candidate: ARI %.3f; singletons: ARI %.3f" % (
                score, adjusted_rand_index(truth, shuffled), adjusted_rand_index(truth, {k: k for k in truth})))
            sys.exit(0 if abs(score - 1.0) < 1e-12 else 1)
        output = run(args.bin, directory, args.extra)
        full = {row["file"]: row["campaign"] or row["file"] for row in output["files"]}
        incremental = {row["file"]: row.get("incremental") or row["file"] for row in output["files"]}
        missing = sorted(set(truth) - set(full))
        if missing:
            sys.exit("no result for %d files, e.g. %s" % (len(missing), missing[0]))
        ari_full = adjusted_rand_index(truth, full)
        ari_incremental = adjusted_rand_index(truth, incremental)
        true_campaigns = len(set(truth.values()))
        print("pool %s: %d files, %d true campaigns and singles, %d candidates" % (
            args.pool, len(truth), true_campaigns, len(set(full.values()))))
        print("ARI full re-clustering %.4f; incremental on arrival %.4f (target %.2f)" % (
            ari_full, ari_incremental, TARGET))
        print("excluded shared values on arrival: %s" % json.dumps(output.get("excluded", {}), ensure_ascii=False))
        if not args.quiet:
            lines = notes(truth, full, cases)
            print("where the full re-clustering differs from the truth:" if lines else "no differences")
            print("\n".join(lines))
        if args.check and ari_full < TARGET:
            sys.exit(1)


if __name__ == "__main__":
    main()
