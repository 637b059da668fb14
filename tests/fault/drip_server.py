#!/usr/bin/env python3
"""A backend that answers every request slowly (issue 11: "a server that
drips bytes"): it reads the request, sends a 200 status line and headers
promising a large body, then one byte every --interval seconds, forever.
Loopback only. Writes its port to --port-file; exits when its parent does.

  drip_server.py --port-file <file> [--interval 0.5]
"""
import argparse
import os
import socketserver
import threading
import time


class Drip(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
            self.request.sendall(b"HTTP/1.1 200 OK\r\n"
                                 b"Content-Type: application/json\r\n"
                                 b"Content-Length: 100000000\r\n\r\n{")
            while True:
                time.sleep(self.server.interval)
                self.request.sendall(b" ")
        except OSError:
            return


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--interval", type=float, default=0.5)
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Drip)
    server.interval = args.interval
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
