#!/usr/bin/env python3
"""Runs `podpis agent` in a pseudo-terminal, as a clerk would, and answers its
questions from a script: one action per question, in order.

  pty_agent.py TRANSCRIPT ACTIONS PODPIS [ARGS...]
      ACTIONS: comma-separated, each `pin:1234` (typed, then Enter), `ctrl-c`,
               `enter`, `yes`, `no`; for a pairing question `once`, `always`, `deny`
      TRANSCRIPT: everything the terminal showed (appended as it comes)

Stops when killed (SIGTERM) or when the agent exits.
"""
import os, pty, select, signal, sys, time

transcript, actions, argv = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.environ.setdefault("LANG", "en_US.UTF-8")
    os.execv(argv[0], argv)

def stop(*_):
    try:
        os.kill(pid, signal.SIGTERM)
    finally:
        sys.exit(0)

signal.signal(signal.SIGTERM, stop)
seen = b""
answered = 0
with open(transcript, "ab", buffering=0) as out:
    while True:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out.write(data)
            seen += data
        questions = seen.count(b"PIN for") + seen.count(b"PIN do") + seen.count(b"Sign? [y/N]") + seen.count(b"[t/N]") + seen.count(b"Allow? [o]nce") + seen.count(b"[j]ednorazowo")
        while answered < questions and answered < len(actions):
            action = actions[answered]
            answered += 1
            time.sleep(0.2)
            if action.startswith("pin:"):
                os.write(fd, action[4:].encode() + b"\r")
            elif action == "ctrl-c":
                os.write(fd, b"\x03")
            elif action == "enter":
                os.write(fd, b"\r")
            elif action == "yes":
                os.write(fd, b"y\r")
            elif action in ("no", "deny"):
                os.write(fd, b"n\r")
            elif action == "once":
                os.write(fd, b"o\r")
            elif action == "always":
                os.write(fd, b"a\r")
            out.write(b"\n[pty_agent: " + action.split(":")[0].encode() + b"]\n")
os.waitpid(pid, 0)
