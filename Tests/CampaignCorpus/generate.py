#!/usr/bin/env python3
# Tests/CampaignCorpus/generate.py
# Owns the labelled campaign corpus: attack e-mails of many campaigns, each sent in waves to several
# member organisations that report them to the hub (the .eml itself, or forwarded as message/rfc822
# or inline), plus unrelated single attacks and benign-looking noise that shares CDN, resolver,
# shared-hosting and free-mail values with everything. Writes NNNN.eml in arrival order, truth.json
# (file -> campaign, case, organisation) and exclusions.txt (the operator's exclusion values).
#
#   python3 Tests/CampaignCorpus/generate.py --out /tmp/campaigns-A --pool A [--seed 7]
import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ExtractionCorpus"))
import mime  # noqa: E402  (the extraction corpus's hand-written MIME)
import pools  # noqa: E402

JST = dt.timezone(dt.timedelta(hours=9))
START = dt.datetime(2026, 9, 1, 9, 0, tzinfo=JST)


def rfc_date(moment):
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0900")


class Corpus:
    def __init__(self, pool, seed):
        self.pool, self.rng = pool, random.Random("%s-%d" % (pool, seed))
        self.items = []          # (moment, bytes, truth)
        self.used_domains = set()

    # MARK: values

    def attacker_domain(self):
        while True:
            w = self.rng.sample(pools.ATTACKER_WORDS[self.pool], 2)
            domain = "%s-%s%d.%s" % (w[0], w[1], self.rng.randint(2, 99), self.rng.choice(pools.ATTACKER_TLDS[self.pool]))
            if domain not in self.used_domains:
                self.used_domains.add(domain)
                return domain

    def attacker_ip(self):
        return "%d.%d.%d.%d" % (self.rng.choice(pools.ATTACKER_OCTETS[self.pool]), self.rng.randint(1, 250),
                                self.rng.randint(1, 250), self.rng.randint(2, 250))

    def payload(self, base=None, mutation=0.02):
        if base is None:
            return bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(3000, 9000)))
        data = bytearray(base)
        for _ in range(max(1, int(len(data) * mutation))):
            data[self.rng.randrange(len(data))] = self.rng.getrandbits(8)
        return bytes(data)

    def file_name(self, scheme, org, when):
        return (scheme.replace("{n}", str(self.rng.randint(10000, 999999)))
                .replace("{d}", when.strftime("%Y%m%d")).replace("{o}", org[0]))

    def person(self, org):
        fam, given, rfam, rgiven = self.rng.choice(pools.PEOPLE[self.pool])
        return {"name": fam + " " + given, "family": fam, "address": "%s.%s@%s" % (rgiven, rfam, org[1])}

    def body(self, sentences, recipient, persona, url=None, password=None, drop=0.0):
        lines = ["%s様" % recipient["family"], ""]
        for s in sentences:
            if drop and self.rng.random() < drop:
                continue
            lines.append(self.pools_sentence(s))
        if url:
            lines += ["", url]
        if password:
            lines += ["", "パスワード: %s" % password]
        lines += ["", persona, "TEL: 03-%04d-%04d" % (self.rng.randint(1000, 9999), self.rng.randint(1000, 9999))]
        return "\n".join(lines) + "\n"

    def pools_sentence(self, index):
        return pools.SENTENCES[self.pool][index]

    def subject(self, phrase):
        return phrase.replace("{n}", str(self.rng.randint(100000, 9999999)))

    # MARK: messages

    def attack(self, when, org, recipient, sender, subject, body, attachment=None, mailer=None, reply_to=None,
               helo=None, ip=None, msgid_domain=None, thread=None):
        """The attack as it reached the recipient's mailbox (bytes)."""
        rng = self.rng
        zone = org[3]
        received = [
            "Received: from mx1.%s (mx1.%s [10.%d.%d.%d]) by mbx01.%s with ESMTP id %s; %s"
            % (org[1], org[1], rng.randint(0, 255), rng.randint(0, 255), rng.randint(2, 250), zone,
               "%08X" % rng.getrandbits(32), rfc_date(when + dt.timedelta(seconds=3))),
        ]
        if ip:
            received.append("Received: from %s (%s [%s]) by mx1.%s (Postfix) with ESMTPS id %s for <%s>; %s"
                            % (helo or "unknown", helo or "unknown", ip, org[1], "%010X" % rng.getrandbits(40),
                               recipient["address"], rfc_date(when)))
        headers = received + [
            "Return-Path: <%s>" % sender[1],
            "From: %s" % mime.mailbox(sender[0], sender[1], ("utf-8", "B")),
            "To: %s" % mime.mailbox(recipient["name"], recipient["address"], ("utf-8", "B")),
            "Subject: %s" % mime.header_text(subject, ("utf-8", "B")),
            "Date: %s" % rfc_date(when - dt.timedelta(seconds=rng.randint(5, 90))),
            "Message-ID: <%s@%s>" % ("%016x" % rng.getrandbits(64), msgid_domain or sender[1].split("@")[1]),
            "MIME-Version: 1.0",
        ]
        if thread:
            headers.append("In-Reply-To: <%016x@%s>" % (rng.getrandbits(64), org[1]))
        if reply_to:
            headers.append("Reply-To: %s" % reply_to)
        if mailer:
            headers.append("X-Mailer: %s" % mailer)
        text = mime.part(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"],
                         mime.transfer_encode(body.encode("utf-8"), "base64"))
        if attachment is None:
            return "\n".join(headers).encode("utf-8") + b"\n" + text
        name, data = attachment
        boundary = "----=_Part_%d" % rng.getrandbits(40)
        att = mime.part(["Content-Type: application/octet-stream; " + mime.filename_params(name, "rfc2231", "name"),
                         "Content-Transfer-Encoding: base64",
                         "Content-Disposition: attachment; " + mime.filename_params(name, "rfc2231")],
                        mime.transfer_encode(data, "base64"))
        headers.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
        return "\n".join(headers).encode("utf-8") + b"\n\n" + mime.multipart("mixed", boundary, [text, att])

    def report(self, when, org, recipient, attack_bytes, subject, sender, body, has_attachment):
        """What the member hands over: the .eml itself, a forward with it attached, or an inline forward."""
        rng = self.rng
        style = rng.choices(["raw", "rfc822", "inline"], [3, 6, 0 if has_attachment else 2])[0]
        if style == "raw":
            return attack_bytes, style
        hub_name, hub_address = pools.HUB[self.pool]
        forwarder = self.person(org)
        note = "%s\n\n不審なメールを受信しましたので転送します。\n\n%s\n%s\n" % (hub_name, forwarder["name"], org[0])
        headers = [
            "From: %s" % mime.mailbox(forwarder["name"], forwarder["address"], ("utf-8", "B")),
            "To: %s" % mime.mailbox(hub_name, hub_address, ("utf-8", "B")),
            "Subject: %s" % mime.header_text("FW: " + subject, ("utf-8", "B")),
            "Date: %s" % rfc_date(when + dt.timedelta(hours=rng.randint(1, 20))),
            "Message-ID: <%016x@%s>" % (rng.getrandbits(64), org[1]),
            "MIME-Version: 1.0",
        ]
        if style == "inline":
            quoted = ("\n-----Original Message-----\nFrom: %s <%s>\nSent: %s\nTo: %s <%s>\nSubject: %s\n\n%s"
                      % (sender[0], sender[1], when.strftime("%A, %B %d, %Y %I:%M %p"), recipient["name"],
                         recipient["address"], subject, body))
            text = mime.part(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"],
                             mime.transfer_encode((note + quoted).encode("utf-8"), "base64"))
            return "\n".join(headers).encode("utf-8") + b"\n" + text, style
        boundary = "----=_Fwd_%d" % rng.getrandbits(40)
        text = mime.part(["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64"],
                         mime.transfer_encode(note.encode("utf-8"), "base64"))
        inner = mime.part(["Content-Type: message/rfc822", "Content-Disposition: attachment; filename=\"attack.eml\""],
                          attack_bytes)
        headers.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
        return "\n".join(headers).encode("utf-8") + b"\n\n" + mime.multipart("mixed", boundary, [text, inner]), style

    def submit(self, when, org, recipient, label, case, **attack):
        data = self.attack(when, org, recipient, **attack)
        raw, style = self.report(when, org, recipient, data, attack["subject"], attack["sender"], attack["body"],
                                 attack.get("attachment") is not None)
        self.items.append((when, raw, {"campaign": label, "case": case, "organization": org[1], "report": style}))

    # MARK: campaigns

    def recipients(self, k_orgs):
        orgs = self.rng.sample(pools.ORGS[self.pool], k_orgs)
        out = []
        for org in orgs:
            for _ in range(self.rng.choice([1, 1, 1, 2])):
                out.append((org, self.person(org)))
        return out

    def campaign(self, label, case, start, subject_phrase, naming):
        rng, pool = self.rng, self.pool
        sentences = rng.sample(range(len(pools.SENTENCES[pool])), rng.randint(4, 6))
        mailer = rng.choice(pools.RARE_MAILERS[pool]) if case in ("rotating", "classic") or rng.random() < 0.5 \
            else rng.choice(pools.COMMON_MAILERS)
        base = self.payload()
        c2 = self.attacker_domain()
        persona = rng.choice(pools.PERSONAS[pool])
        sender_domain, ip = self.attacker_domain(), self.attacker_ip()
        password = rng.choice(pools.ZIP_PASSWORDS[pool])
        lookalike = rng.choice(["{core}-{suffix}.com", "{core}-secure.net", "mail-{core}.info", "{core}.account-check.com"])
        free_prefix = rng.choice(["acct", "info", "desk", "hr"])
        # The accounts a hijacker took over are its own (one botnet's victims), not another campaign's.
        partners = ["%s%d.co.jp" % (word, rng.randint(2, 99)) for word in rng.sample(pools.PARTNER_WORDS[pool], 4)]
        waves = rng.randint(2, 4)
        for wave in range(waves):
            when = start + dt.timedelta(days=wave * rng.randint(5, 12))
            if case in ("rotating", "hijack"):
                base = self.payload(base, 0.04)
            else:
                base = self.payload(base, 0.01)
            if case == "rotating" or (case == "classic" and rng.random() < 0.4):
                c2, sender_domain, ip = self.attacker_domain(), self.attacker_domain(), self.attacker_ip()
            if case == "rotating":
                persona = rng.choice(pools.PERSONAS[pool])
            wave_url = "https://%s/%s/%d" % (c2, rng.choice(["login", "view", "dl", "auth"]), rng.randint(100, 999))
            attachment_data = base
            for i, (org, recipient) in enumerate(self.recipients(rng.randint(2, 5))):
                moment = when + dt.timedelta(minutes=rng.randint(0, 600))
                name = self.file_name(naming, org, moment)
                common = {"mailer": mailer, "helo": "mail." + sender_domain, "ip": ip}
                if case in ("classic", "rotating"):
                    self.submit(moment, org, recipient, label, case, sender=(persona, "%s@%s" % (
                        rng.choice(["info", "noreply", "admin", "support"]), sender_domain)),
                        subject=self.subject(subject_phrase),
                        body=self.body(sentences, recipient, persona, url=wave_url if case == "classic" else None,
                                       drop=0.15),
                        attachment=(name, attachment_data), **common)
                elif case == "hijack":
                    thread_subject, thread_text = rng.choice(pools.THREADS[pool])
                    partner = rng.choice(partners)
                    colleague = self.person((None, partner, None, None))
                    quoted = ("\n\nFrom: %s <%s>\nSent: %s\nTo: %s\nSubject: %s\n\n%s\n%s\n"
                              % (recipient["name"], recipient["address"], (moment - dt.timedelta(days=30)).strftime("%Y/%m/%d %H:%M"),
                                 colleague["address"], thread_subject, thread_text, recipient["name"]))
                    body = self.body(sentences, recipient, colleague["name"], password=password, drop=0.1) + quoted
                    self.submit(moment, org, recipient, label, case,
                                sender=(colleague["name"], colleague["address"]), subject="Re: " + thread_subject,
                                body=body, attachment=(name, attachment_data), mailer=rng.choice(pools.COMMON_MAILERS),
                                helo="mail." + partner, ip=self.attacker_ip(), msgid_domain=partner, thread=True)
                elif case == "lookalike":
                    core, _, suffix = org[1].partition(".")
                    fake = lookalike.replace("{core}", core).replace("{suffix}", suffix.replace(".", "-"))
                    self.submit(moment, org, recipient, label, case, sender=(persona, "it-support@" + fake),
                                subject=self.subject(subject_phrase),
                                body=self.body(sentences, recipient, persona, url=wave_url, drop=0.15), **common)
                elif case == "freemail":
                    account = "%s%06d@%s" % (free_prefix, rng.randint(0, 999999), rng.choice(pools.FREEMAIL))
                    self.submit(moment, org, recipient, label, case, sender=(persona, account),
                                subject=self.subject(subject_phrase), reply_to="<%s>" % account,
                                body=self.body(sentences, recipient, persona, drop=0.15),
                                mailer=mailer, helo=None, ip=None, msgid_domain=account.split("@")[1])

    def single(self, label, when):
        """An unrelated attack: its own infrastructure, generic wording, often free mail and shared hosts."""
        rng, pool = self.rng, self.pool
        org = rng.choice(pools.ORGS[pool])
        recipient = self.person(org)
        persona = rng.choice(pools.PERSONAS[pool])
        freemail = rng.random() < 0.4
        sender = "%s%d@%s" % (rng.choice(["office", "tanto", "keiri", "support"]), rng.randint(1, 99),
                              rng.choice(pools.FREEMAIL) if freemail else self.attacker_domain())
        host = rng.choice(pools.SHARED_HOSTS) if rng.random() < 0.6 else self.attacker_domain()
        url = "https://%s/%s/%d" % (host, rng.choice(["file", "s", "d"]), rng.randint(10000, 99999))
        shared = rng.random() < 0.5
        helo, ip = rng.choice(pools.SHARED_SENDING) if shared else ("mail." + sender.split("@")[1], self.attacker_ip())
        with_file = rng.random() < 0.5
        attachment = (self.file_name(rng.choice(pools.NAMING[pool]), org, when), self.payload()) if with_file else None
        self.submit(when, org, recipient, label, "single", sender=(persona, sender),
                    subject=self.subject(rng.choice(pools.SUBJECTS[pool])),
                    body=self.body(rng.sample(range(len(pools.SENTENCES[pool])), rng.randint(3, 5)), recipient, persona,
                                   url=url),
                    attachment=attachment, mailer=rng.choice(pools.COMMON_MAILERS), helo=helo, ip=ip,
                    msgid_domain="mail.gmail.com" if freemail else None)

    def noise(self, label, when):
        """Benign-looking mail a member reported anyway: a newsletter or notice through a shared
        mail service, linking to CDNs, naming a public resolver, sent from free mail or a one-off domain."""
        rng, pool = self.rng, self.pool
        org = rng.choice(pools.ORGS[pool])
        recipient = self.person(org)
        vendor = "%s%d.%s" % (rng.choice(pools.NEWSLETTER_VENDORS[pool]).split(".")[0], rng.randint(1, 999),
                              rng.choice(["jp", "co.jp", "com"]))
        sender = ("お知らせ", "news@" + vendor) if rng.random() < 0.6 else ("事務局", "jimukyoku%d@%s" % (
            rng.randint(1, 999), rng.choice(pools.FREEMAIL)))
        hosts = rng.sample(pools.SHARED_HOSTS, 2)
        sentences = rng.sample(pools.NOISE_SENTENCES[self.pool], 3)
        lines = ["%s様" % recipient["family"] if rng.random() < 0.5 else "お客様各位", ""] + sentences[:2]
        lines.insert(rng.randint(2, len(lines)), "https://%s/assets/%d.css" % (hosts[0], rng.randint(1, 9999)))
        if rng.random() < 0.5:
            lines.append("https://%s/img/%d.png" % (hosts[1], rng.randint(1, 9999)))
        if rng.random() < 0.4:
            lines.append(rng.choice(["参考: DNS %s", "DNS server: %s", "(resolver %s)"]) % rng.choice(pools.SHARED_IPS))
        lines += [sentences[2], "", vendor]
        body = "\n".join(lines) + "\n"
        helo, ip = rng.choice(pools.SHARED_SENDING)
        self.submit(when, org, recipient, label, "noise", sender=sender,
                    subject=rng.choice(pools.NOISE_SUBJECTS[self.pool]),
                    body=body, mailer=rng.choice(pools.COMMON_MAILERS), helo=helo, ip=ip)

    def build(self, campaigns_per_case, singles, noise):
        rng = self.rng
        subjects = rng.sample(pools.SUBJECTS[self.pool], len(pools.SUBJECTS[self.pool]))
        namings = rng.sample(pools.NAMING[self.pool], len(pools.NAMING[self.pool]))
        n = 0
        for case, count in campaigns_per_case:
            for i in range(count):
                start = START + dt.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 8))
                self.campaign("%s-%s-%d" % (self.pool, case, i + 1), case, start, subjects[n % len(subjects)],
                              namings[n % len(namings)])
                n += 1
        for i in range(singles):
            self.single("%s-single-%d" % (self.pool, i + 1), START + dt.timedelta(hours=rng.randint(0, 24 * 90)))
        for i in range(noise):
            self.noise("%s-noise-%d" % (self.pool, i + 1), START + dt.timedelta(hours=rng.randint(0, 24 * 90)))

    def write(self, out):
        os.makedirs(out, exist_ok=True)
        truth = {}
        for number, (when, raw, label) in enumerate(sorted(self.items, key=lambda item: (item[0], item[1])), 1):
            name = "%04d.eml" % number
            with open(os.path.join(out, name), "wb") as f:
                f.write(mime.finalize(raw, crlf=(number % 3 == 0)))
            truth[name] = dict(label, received=when.isoformat())
        with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
            json.dump(truth, f, ensure_ascii=False, indent=1, sort_keys=True)
        with open(os.path.join(out, "exclusions.txt"), "w", encoding="utf-8") as f:
            f.write("# The operator's exclusions: shared mail services and hosting (see pools.py)\n")
            for helo, ip in pools.SHARED_SENDING:
                f.write("%s\n%s\n" % (helo, ip))
            for value in pools.SHARED_HOSTS + pools.SHARED_IPS:
                f.write(value + "\n")
        return len(truth)


CASES = [("classic", 4), ("rotating", 2), ("hijack", 2), ("lookalike", 2), ("freemail", 2)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--pool", choices=["A", "B"], default="A")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--singles", type=int, default=30)
    parser.add_argument("--noise", type=int, default=25)
    args = parser.parse_args()
    corpus = Corpus(args.pool, args.seed)
    corpus.build(CASES, args.singles, args.noise)
    count = corpus.write(args.out)
    print("%d messages in %s" % (count, args.out))


if __name__ == "__main__":
    main()
