#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal PCCS / Intel PCS v4 look-alike for tests, serving the DCAP vectors.

Usage: pccs_server.py VECTORS_DIR [--log FILE] [--lifetime SECONDS]

Listens on 127.0.0.1 on a free port and prints "PORT <n>" on stdout once it accepts
connections. URLs are <base>/<vector>/<PCS v4 route>, so one server serves every vector:

  /<v>/{sgx,tdx}/certification/v4/tcb?fmspc=<hex>   tcb_info.json, TCB-Info-Issuer-Chain
  /<v>/{sgx,tdx}/certification/v4/qe/identity       qe_identity.json, SGX-Enclave-Identity-Issuer-Chain
  /<v>/sgx/certification/v4/pckcrl?ca=<ca>&encoding=der
                                                    pck_crl.der (+ SGX-PCK-CRL-Issuer-Chain if present)
  /<v>/sgx/certification/v4/rootcacrl               root_ca_crl.der

A request whose TEE, FMSPC or CA does not belong to the vector gets 404, so a client that
builds a wrong URL fails. A leading mode segment changes the behaviour for error tests:
/_404/<v>/... answers 404, /_noheader/ omits issuer chain headers, /_v3header/ uses the
API v3 name SGX-TCB-Info-Issuer-Chain, /_big/ sends an oversized TCB info with a
Content-Length, /_bigstream/ sends one without (until close), /_bigheader/ sends an
oversized chain header, /_hexcrl/ sends CRLs as hex text, /_slow/ waits 5 s first.
The server exits by itself after --lifetime seconds (default 600), so a crashed test
cannot leave it running.
"""
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

MODES = {"_404", "_noheader", "_v3header", "_big", "_bigstream", "_bigheader", "_hexcrl", "_slow"}


class Handler(http.server.BaseHTTPRequestHandler):
    vectors = ""
    log = None
    lock = threading.Lock()

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def read(self, vector, name):
        path = os.path.join(self.vectors, vector, name)
        if not os.path.exists(path):
            return None
        with open(path, "rb") as f:
            return f.read()

    def reply(self, status, body=b"", headers=(), length=True):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, e.g. on a size cap

    def chain_header(self, mode, name, vector, file):
        pem = self.read(vector, file)
        if pem is None or mode == "_noheader":
            return []
        value = urllib.parse.quote(pem.decode(), safe="")
        if mode == "_bigheader":
            value = "A" * (70 * 1024)  # over the 64 KB chain cap, under curl's 100 KB line cap
        return [(name, value)]

    def route(self, mode, vector, rest, query):
        exp = json.loads(self.read(vector, "expected.json"))
        tee = exp["tee_type"].lower()
        parts = rest.split("/")
        if len(parts) < 3 or parts[1:3] != ["certification", "v4"]:
            return None
        route = "/".join(parts[3:])
        if route == "tcb" and parts[0] == tee:
            if query.get("fmspc", [""])[0].lower() != exp["fmspc"].lower():
                return None
            name = "SGX-TCB-Info-Issuer-Chain" if mode == "_v3header" else "TCB-Info-Issuer-Chain"
            body = self.read(vector, "tcb_info.json")
            if mode in ("_big", "_bigstream"):
                body = body + b" " * (600 * 1024)
            return body, self.chain_header(mode, name, vector, "tcb_info_issuer_chain.pem")
        if route == "qe/identity" and parts[0] == tee:
            name = "SGX-Enclave-Identity-Issuer-Chain"
            return (self.read(vector, "qe_identity.json"),
                    self.chain_header(mode, name, vector, "qe_identity_issuer_chain.pem"))
        if route == "pckcrl" and parts[0] == "sgx":
            crl = self.read(vector, "pck_crl.der")
            ca = b"Processor CA" if b"Processor CA" in crl else b"Platform CA"
            want = "processor" if ca == b"Processor CA" else "platform"
            if query.get("ca", [""])[0] != want or query.get("encoding", [""])[0] != "der":
                return None
            name = "SGX-PCK-CRL-Issuer-Chain"
            return crl, self.chain_header(mode, name, vector, "pck_crl_issuer_chain.pem")
        if route == "rootcacrl" and parts[0] == "sgx":
            return self.read(vector, "root_ca_crl.der"), []
        return None

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if self.log:
            with self.lock, open(self.log, "a") as f:
                f.write(self.path + "\n")
        segs = url.path.lstrip("/").split("/", 1)
        mode = ""
        if segs[0] in MODES:
            mode = segs[0]
            segs = (segs[1] if len(segs) > 1 else "").split("/", 1)
        if len(segs) < 2 or not os.path.isfile(os.path.join(self.vectors, segs[0], "expected.json")):
            return self.reply(404, b"no such vector")
        if mode == "_404":
            return self.reply(404, b"not found")
        if mode == "_slow":
            time.sleep(5)
        found = self.route(mode, segs[0], segs[1], urllib.parse.parse_qs(url.query))
        if found is None or found[0] is None:
            return self.reply(404, b"not found")
        body, headers = found
        if mode == "_hexcrl" and segs[1].endswith(("pckcrl", "rootcacrl")):
            body = body.hex().encode()
        if mode == "_bigstream":
            self.close_connection = True
            return self.reply(200, body, headers, length=False)
        return self.reply(200, body, headers)


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    Handler.vectors = args[0]
    lifetime = 600.0
    if "--log" in args:
        Handler.log = args[args.index("--log") + 1]
    if "--lifetime" in args:
        lifetime = float(args[args.index("--lifetime") + 1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Timer(lifetime, server.shutdown).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
