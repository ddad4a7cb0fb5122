#!/usr/bin/env python3
"""Runs a program in a pseudo-terminal, as IT at the keyboard would, and
answers its questions in order: a question is a prompt ending in "]: "
(`podpis setup`'s form: the question, its default in brackets, ": ").

  pty_answers.py TRANSCRIPT ANSWER1 ANSWER2 ... -- PROGRAM [ARGS...]
      ANSWER: typed, then Enter ("" takes the default)
      TRANSCRIPT: everything the terminal showed

Exits with the program's exit status; 124 if it runs longer than 120 s.
"""
import os, pty, select, sys, time

split = sys.argv.index("--")
transcript, answers, argv = sys.argv[1], sys.argv[2:split], sys.argv[split + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)

seen = b""
answered = 0
deadline = time.time() + 120
with open(transcript, "wb", buffering=0) as out:
    while time.time() < deadline:
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
        while answered < seen.count(b"]: ") and answered < len(answers):
            time.sleep(0.1)
            os.write(fd, answers[answered].encode() + b"\r")
            answered += 1
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        sys.exit(124)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
