# Tests/ExtractionCorpus/zipcrypt.py
# Owns writing zip archives for the extraction corpus by hand: stored or deflated members, names in
# UTF-8 (flag bit 11) or in CP932 without the flag (as Japanese Windows writes them), and traditional
# PKWARE ZipCrypto encryption (the "PPAP" habit), which Python's zipfile can read but not write.
import struct
import zlib


def _crc_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (0xEDB88320 ^ (c >> 1)) if c & 1 else (c >> 1)
        table.append(c)
    return table


_CRC_TABLE = _crc_table()


def _crc_byte(crc, byte):
    # The raw CRC-32 step (no pre/post inversion), as APPNOTE 6.1 uses it for the keys.
    return _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)


class ZipCryptoKeys:
    """The three 32-bit keys of traditional PKWARE encryption (APPNOTE.TXT section 6.1)."""

    def __init__(self, password):
        self.k0, self.k1, self.k2 = 0x12345678, 0x23456789, 0x34567890
        for byte in password:
            self.update(byte)

    def update(self, byte):
        self.k0 = _crc_byte(self.k0, byte)
        self.k1 = ((self.k1 + (self.k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        self.k2 = _crc_byte(self.k2, self.k1 >> 24)

    def stream_byte(self):
        temp = (self.k2 | 2) & 0xFFFF
        return ((temp * (temp ^ 1)) >> 8) & 0xFF

    def encrypt(self, data):
        out = bytearray()
        for plain in data:
            out.append(plain ^ self.stream_byte())
            self.update(plain)
        return bytes(out)


def make_zip(members, rng, password=None, cp932_names=False, stamp=(2023, 3, 6, 10, 15, 0)):
    """members: list of (name, data, deflate: bool). Returns the archive bytes.

    With a password every member is ZipCrypto-encrypted; the 12-byte header's last byte is the
    high byte of the member's CRC (no data descriptor is written, so that is the check byte).
    """
    year, month, day, hour, minute, second = stamp
    dos_time = (hour << 11) | (minute << 5) | (second // 2)
    dos_date = ((year - 1980) << 9) | (month << 5) | day
    body = bytearray()
    central = bytearray()
    for name, data, deflate in members:
        flags = 0
        if cp932_names:
            raw_name = name.encode("cp932")
        else:
            raw_name = name.encode("utf-8")
            if not name.isascii():
                flags |= 0x800
        crc = zlib.crc32(data) & 0xFFFFFFFF
        method = 8 if deflate else 0
        if deflate:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            payload = compressor.compress(data) + compressor.flush()
        else:
            payload = data
        if password is not None:
            flags |= 0x1
            header = bytes(rng.randrange(256) for _ in range(11)) + bytes([crc >> 24])
            payload = ZipCryptoKeys(password.encode("utf-8")).encrypt(header + payload)
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, dos_time, dos_date, crc,
                            len(payload), len(data), len(raw_name), 0) + raw_name + payload
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, dos_time, dos_date, crc,
                               len(payload), len(data), len(raw_name), 0, 0, 0, 0, 0x20, offset) + raw_name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(body), 0)
    return bytes(body + central + end)
