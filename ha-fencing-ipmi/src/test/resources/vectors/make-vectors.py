#!/usr/bin/env python3
"""Known-answer values for CryptoVectorsTest, computed independently of the Java code: Python's hmac and
hashlib, and `openssl enc -aes-128-cbc -nopad` for AES. The formulas are those of the IPMI v2.0
specification (rev. 1.1, sections 13.28-13.32):
  RAKP 2 code = HMAC_Kuid(SIDm | SIDc | Rm | Rc | GUIDc | ROLEm | ULENGTHm | UNAMEm)
  RAKP 3 code = HMAC_Kuid(Rc | SIDm | ROLEm | ULENGTHm | UNAMEm)
  SIK         = HMAC_KG(Rm | Rc | ROLEm | ULENGTHm | UNAMEm)           (KG = Kuid when no BMC key is set)
  RAKP 4 ICV  = HMAC_SIK(Rm | SIDc | GUIDc), truncated to 12 (SHA-1) or 16 (SHA-256) bytes
  K1, K2      = HMAC_SIK(0x01 * n), HMAC_SIK(0x02 * n), n = 20 (SHA-1) or 32 (SHA-256)
  AuthCode    = HMAC_K1(AuthType .. Next Header), truncated to 12 (HMAC-SHA1-96) or 16 (HMAC-SHA256-128)
  AES-CBC-128 key = K2[0:16], payload = IV | AES(payload | 01 02 .. n | n)
Run: python3 make-vectors.py
"""
import hashlib, hmac, struct, subprocess

def H(alg, key, *parts):
    return hmac.new(key, b"".join(parts), alg).digest()

def aes(key, iv, data):
    out = subprocess.run(["openssl", "enc", "-aes-128-cbc", "-nopad", "-K", key.hex(), "-iv", iv.hex()],
                         input=data, capture_output=True, check=True).stdout
    return out

kuid = b"adminpass"
sid_m = struct.pack("<I", 0xA0A2A3A4)
sid_c = struct.pack("<I", 0x00000102)
rm = bytes(range(0x00, 0x10))
rc = bytes(range(0x10, 0x20))
guid = bytes.fromhex("a123456789abcdefa123456789abcdef")
role = bytes([0x14])
user = b"admin"
ulen = bytes([len(user)])

for name, alg, n, icv in (("SHA1", hashlib.sha1, 20, 12), ("SHA256", hashlib.sha256, 32, 16)):
    rakp2 = H(alg, kuid, sid_m, sid_c, rm, rc, guid, role, ulen, user)
    rakp3 = H(alg, kuid, rc, sid_m, role, ulen, user)
    sik = H(alg, kuid, rm, rc, role, ulen, user)
    rakp4 = H(alg, sik, rm, sid_c, guid)[:icv]
    k1 = H(alg, sik, bytes([1]) * n)
    k2 = H(alg, sik, bytes([2]) * n)
    print(f"{name} RAKP2 {rakp2.hex()}")
    print(f"{name} RAKP3 {rakp3.hex()}")
    print(f"{name} SIK   {sik.hex()}")
    print(f"{name} RAKP4 {rakp4.hex()}")
    print(f"{name} K1    {k1.hex()}")
    print(f"{name} K2    {k2.hex()}")

    # Get Chassis Status request, rqSeq 5, in session packet with sequence 1, IV 0xf0..0xff
    msg = bytes([0x20, 0x00 << 2])
    msg += bytes([(-sum(msg)) & 0xff])
    tail = bytes([0x81, 5 << 2, 0x01])
    msg += tail + bytes([(-sum(tail)) & 0xff])
    pad = (16 - (len(msg) + 1) % 16) % 16
    plain = msg + bytes(range(1, pad + 1)) + bytes([pad])
    iv = bytes(range(0xf0, 0x100))
    body = iv + aes(k2[:16], iv, plain)
    hdr = bytes([0x06, 0xc0]) + sid_c + struct.pack("<I", 1) + struct.pack("<H", len(body))
    covered = len(hdr) + len(body) + 2
    ipad = (4 - covered % 4) % 4
    signed = hdr + body + b"\xff" * ipad + bytes([ipad, 0x07])
    code = H(alg, k1, signed)[:icv]
    print(f"{name} PACKET {(bytes([6, 0, 0xff, 7]) + signed + code).hex()}")
