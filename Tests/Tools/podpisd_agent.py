#!/usr/bin/env python3
"""A scripted clerk's agent for the podpisd tests: reads consent requests from
the daemon's Unix socket (GET /v1/agent/requests, Server-Sent Events) and
answers them by policy. Every event it sees is appended to --log as one JSON
line: {"event": "consent"|"withdrawn", "data": {...}, "answer": status}.

  podpisd_agent.py SOCKET --log FILE [--pin TOKEN=PIN ...] [--refuse]
                   [--hold TOKEN --release FILE] [--pairing once|always|deny]

--pairing: the answer to a page asking to pair (default: deny).
Answers carry the agent id from the stream's `hello` (X-Podpis-Agent).

--hold TOKEN: consents for that token are answered only once FILE exists (to
keep a request waiting for its PIN while the test does other things).
"""
import argparse, http.client, json, os, socket, sys, threading, time


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=None):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("--log", required=True)
    parser.add_argument("--pin", action="append", default=[], help="TOKEN=PIN")
    parser.add_argument("--refuse", action="store_true")
    parser.add_argument("--hold")
    parser.add_argument("--release")
    parser.add_argument("--pairing", default="deny", choices=["once", "always", "deny"])
    args = parser.parse_args()
    agent_id = {}
    pins = dict(item.split("=", 1) for item in args.pin)
    lock = threading.Lock()

    def log(entry):
        with lock, open(args.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def post(request_id, body):
        headers = {"Content-Type": "application/json"}
        if "id" in agent_id:
            headers["X-Podpis-Agent"] = agent_id["id"]
        connection = UnixConnection(args.socket, timeout=30)
        connection.request("POST", "/v1/agent/requests/" + request_id, json.dumps(body), headers)
        return connection.getresponse().status

    def answer_pairing(request):
        status = post(request["id"], {"decision": args.pairing})
        log({"event": "answered", "data": {"id": request["id"], "pairing": args.pairing, "status": status}})

    def answer(request):
        token = request["token"]["label"]
        if args.hold and token == args.hold:
            while not os.path.exists(args.release):
                time.sleep(0.05)
        if args.refuse:
            body = {"decision": "refuse"}
        else:
            body = {"decision": "approve"}
            if token in pins:
                body["pin"] = pins[token]
        status = post(request["id"], body)
        log({"event": "answered", "data": {"id": request["id"], "token": token, "status": status}})

    connection = UnixConnection(args.socket)
    connection.request("GET", "/v1/agent/requests")
    response = connection.getresponse()
    if response.status != 200:
        print("agent: HTTP", response.status, response.read().decode(), file=sys.stderr)
        sys.exit(1)
    log({"event": "connected", "data": {}})
    event = None
    while True:
        line = response.fp.readline()
        if not line:
            break
        line = line.decode().rstrip("\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
            log({"event": event, "data": data})
            if event == "hello":
                agent_id["id"] = data["agent"]
            elif event == "consent":
                threading.Thread(target=answer, args=(data,), daemon=True).start()
            elif event == "pairing":
                threading.Thread(target=answer_pairing, args=(data,), daemon=True).start()


if __name__ == "__main__":
    main()
