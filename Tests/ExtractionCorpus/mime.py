# Tests/ExtractionCorpus/mime.py
# Owns writing MIME by hand for the extraction corpus: RFC 2047 encoded-words (B and Q), RFC 2231
# parameters, Japanese charsets (ISO-2022-JP, Shift_JIS as CP932, EUC-JP, UTF-8), transfer
# encodings, multiparts, and the deliberate breakage members' mail really shows (a missing final
# boundary, base64 without padding, a declared charset that is not the one used). Python's email
# package is not used: it would repair exactly what the corpus must keep broken.
import base64
import quopri
import re
import urllib.parse

# Declared label -> Python codec. Shift_JIS is written as CP932, as Outlook does.
CODECS = {"iso-2022-jp": "iso2022_jp", "shift_jis": "cp932", "euc-jp": "euc_jp", "utf-8": "utf-8",
          "us-ascii": "ascii"}


def encode_text(text, charset):
    """Bytes of text in charset; falls back to UTF-8 when a character has no code there (e.g. ㈱ in
    ISO-2022-JP). Returns (declared label, bytes)."""
    try:
        return charset, text.encode(CODECS[charset])
    except UnicodeEncodeError:
        return "utf-8", text.encode("utf-8")


def _word(raw, label, mode):
    if mode == "B":
        payload = base64.b64encode(raw).decode("ascii")
    else:
        payload = ""
        for byte in raw:
            ch = chr(byte)
            if ch == " ":
                payload += "_"
            elif ch.isascii() and (ch.isalnum() or ch in "!*+-/"):
                payload += ch
            else:
                payload += "=%02X" % byte
    return "=?%s?%s?%s?=" % (label.upper() if label != "utf-8" else "UTF-8", mode, payload)


def encoded_words(text, charset, mode, fold=True):
    """RFC 2047 encoded-words for text, split between characters so no word exceeds 75 columns."""
    label, _ = encode_text(text, charset)
    codec = CODECS[label]
    words, chunk = [], ""
    for ch in text:
        trial = chunk + ch
        if chunk and len(_word(trial.encode(codec), label, mode)) > 70:
            words.append(_word(chunk.encode(codec), label, mode))
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(_word(chunk.encode(codec), label, mode))
    return ("\n " if fold else " ").join(words)


def header_text(text, style):
    """A header value: plain when ASCII; else encoded-words (style = (charset, mode)) or raw UTF-8."""
    if text.isascii():
        return text
    charset, mode = style
    if mode == "raw":
        return text
    return encoded_words(text, charset, mode)


def mailbox(name, address, style, bracket="angle"):
    if not name:
        return address if bracket == "bare" else "<%s>" % address
    if name.isascii():
        shown = '"%s"' % name if any(c in name for c in ',.()@:;<>[]') else name
    else:
        shown = header_text(name, style)
    return "%s <%s>" % (shown, address)


def filename_params(name, style, param="filename"):
    """Content-Disposition / Content-Type name parameter in one of the forms mail clients write."""
    if name.isascii():
        return '%s="%s"' % (param, name)
    if style == "rfc2231":
        return "%s*=UTF-8''%s" % (param, urllib.parse.quote(name, safe=""))
    if style == "rfc2231-sjis":
        return "%s*=shift_jis''%s" % (param, urllib.parse.quote(name.encode("cp932"), safe=""))
    if style == "rfc2231-cont":
        tokens = re.findall(r"%[0-9A-F]{2}|.", urllib.parse.quote(name, safe=""))
        pieces = ["".join(tokens[i:i + 12]) for i in range(0, len(tokens), 12)]
        return ";\n ".join("%s*%d*=%s%s" % (param, n, "UTF-8''" if n == 0 else "", piece)
                            for n, piece in enumerate(pieces))
    if style == "rfc2047-jis":
        return '%s="%s"' % (param, encoded_words(name, "iso-2022-jp", "B", fold=False))
    if style == "rfc2047-utf8":
        return '%s="%s"' % (param, encoded_words(name, "utf-8", "B", fold=False))
    return '%s="%s"' % (param, name)  # raw UTF-8 in quotes


def b64_lines(data, strip_padding=False):
    text = base64.b64encode(data).decode("ascii")
    if strip_padding:
        text = text.rstrip("=")
    return "\n".join(text[i:i + 76] for i in range(0, len(text), 76)).encode("ascii") + b"\n"


def transfer_encode(data, cte, strip_padding=False):
    if cte == "base64":
        return b64_lines(data, strip_padding)
    if cte == "quoted-printable":
        return quopri.encodestring(data) + (b"" if data.endswith(b"\n") else b"\n")
    return data if data.endswith(b"\n") else data + b"\n"


def part(headers, body):
    return ("\n".join(headers) + "\n\n").encode("utf-8") + body


def multipart(subtype, boundary, parts, missing_end=False, preamble=True):
    out = b""
    if preamble:
        out += b"This is a multi-part message in MIME format.\n\n"
    for p in parts:
        out += b"--" + boundary.encode() + b"\n" + p
        if not out.endswith(b"\n"):
            out += b"\n"
    if not missing_end:
        out += b"--" + boundary.encode() + b"--\n"
    return out


def finalize(data, crlf):
    """Line endings of a finished message: LF, or CRLF (base64 keeps binary data safe either way)."""
    data = data.replace(b"\r\n", b"\n")
    return data.replace(b"\n", b"\r\n") if crlf else data
