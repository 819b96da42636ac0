"""An independent reference implementation of docs/format.md section 11 (sealed personal
values), in Python with the 'cryptography' package. It wrote subject-seal.json from event 1 of
chain.jsonl; SubjectSealVectorsTest recomputes every value with HyreLog's Java code.

Usage: python3 subject_seal_reference.py chain.jsonl > subject-seal.json
"""
import base64
import hashlib
import hmac
import json
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

LABEL = b"hyrelog/subject-seal/v1"


def jcs_string(s):
    # JCS of a string without control characters: JSON escaping of '"' and '\' only, raw UTF-8.
    return json.dumps(s, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def value_at(event, pointer):
    parent, key = pointer[1:].split("/", 1)
    return event.get(parent, {}).get(key.replace("~1", "/").replace("~0", "~"))


def remove_at(event, pointer):
    parent, key = pointer[1:].split("/", 1)
    event[parent].pop(key.replace("~1", "/").replace("~0", "~"))
    if parent in ("actor", "resource", "context") and not event[parent]:
        del event[parent]


def main():
    event = json.loads(open(sys.argv[1], encoding="utf-8").readline())
    keys = [
        ("01936f6e-7a00-4000-8000-0000000000c3", bytes(range(0x40, 0x60))),
        ("01936f6e-7a00-4000-8000-0000000000a1", bytes(range(0x00, 0x20))),
        ("01936f6e-7a00-4000-8000-0000000000b2", bytes(range(0x20, 0x40))),
    ]
    ordered = sorted(keys, key=lambda k: k[0])
    chain, seq = event["workspaceId"], event["seq"]
    event_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=LABEL,
                     info=f"{chain}\n{seq}".encode()).derive(b"".join(m for _, m in ordered))
    fields = {}
    sealed_event = json.loads(json.dumps(event))
    for pointer, entry in event["personal"].items():
        value = value_at(event, pointer)
        plain = bytes.fromhex(entry["salt"]) + jcs_string(value)
        assert hashlib.sha256(plain).hexdigest() == entry["commitment"]
        aad = LABEL + f"\n{chain}\n{seq}\n{pointer}".encode()
        nonce = hashlib.sha256(aad).digest()[:12]
        sealed = base64.b64encode(AESGCM(event_key).encrypt(nonce, plain, aad)).decode()
        fields[pointer] = {"aad": aad.decode(), "nonce": nonce.hex(), "sealed": sealed}
        remove_at(sealed_event, pointer)
        sealed_event["personal"][pointer] = {"commitment": entry["commitment"], "sealed": sealed}
    sealed_event["subjectKeys"] = [i for i, _ in ordered]
    pepper = bytes(range(0x70, 0x90))
    subjects = ["actor-id:user_42", "actor-email:ada@example.com", "metadata:/metadata/ssn=078-05-1120"]
    references = {s: hmac.new(pepper, s.encode(), hashlib.sha256).hexdigest() for s in subjects}
    json.dump({
        "keys": [{"id": i, "material": m.hex()} for i, m in keys],
        "eventKey": event_key.hex(),
        "fields": fields,
        "sealedLine": json.dumps(sealed_event, ensure_ascii=False, separators=(",", ":")),
        "pepper": pepper.hex(),
        "references": references,
    }, sys.stdout, ensure_ascii=False, indent=2)
    print()


if __name__ == "__main__":
    main()
