#!/usr/bin/env python3
"""Runs podpis until it waits for a PIN, sends it a signal there, and reports
how podpis ended.

  pin_signal.py tty SIGNAL PINS PODPIS [ARGS...]
      podpis with a pseudo-terminal as its controlling terminal and standard
      input (standard output and error are pipes). PINS (comma-separated, may
      be empty) are typed at the first prompts, one each; at the next prompt
      SIGNAL is sent. A prompt counts once its text ("PIN for", "Seal PIN",
      "PIN pieczęci") has shown and the terminal's echo is off (podpis reads).
  pin_signal.py fd SIGNAL PINS PODPIS [ARGS...]
      podpis with standard input a pipe holding PINS, one per line, that nobody
      writes to afterwards (use --pin-fd 0). SIGNAL is sent once the pipe is
      empty and a thread of podpis sleeps reading it: in read(2) on fd 0, or in
      poll(2)/ppoll(2) with fd 0 among its descriptors, as
      /proc/PID/task/*/syscall and /proc/PID/mem show (root, or ptrace rights).

  SIGNAL: INT, TERM, HUP or QUIT, sent with kill(2); or ctrl-c (tty only):
  the byte 0x03 typed, so that the terminal driver sends SIGINT.

Prints one JSON object on stdout:
  status     podpis's exit status, or -N when signal N killed it
  stdout, stderr, terminal (what the terminal showed; tty only)
  echo       whether the terminal echoes after podpis ended (tty only)
  signalled  whether the signal was sent
Exit status 0 once podpis has ended; 2 when it has not ended within the
timeout (PIN_SIGNAL_TIMEOUT seconds, default 60; podpis is then killed and
the JSON still printed); 3 when /proc does not show podpis's system calls.
"""
import fcntl, json, os, platform, re, select, signal, struct, subprocess, sys, termios, time

SIGNALS = {"INT": signal.SIGINT, "TERM": signal.SIGTERM, "HUP": signal.SIGHUP, "QUIT": signal.SIGQUIT}
# System call numbers: read, and the polls whose first argument is a pollfd array.
SYSCALLS = {"x86_64": (0, (7, 271)), "aarch64": (63, (73,))}
PROMPT = re.compile("PIN for|Seal PIN|PIN pieczęci".encode())

mode, which, pins, argv = sys.argv[1], sys.argv[2], [p for p in sys.argv[3].split(",") if p], sys.argv[4:]
timeout = float(os.environ.get("PIN_SIGNAL_TIMEOUT", "60"))
deadline = time.monotonic() + timeout
if mode not in ("tty", "fd") or (which not in SIGNALS and not (which == "ctrl-c" and mode == "tty")):
    sys.exit(__doc__)


def sleeping_on_fd0(pid):
    """Whether a thread of `pid` sleeps in a read or poll of its fd 0."""
    read_nr, poll_nrs = SYSCALLS[platform.machine()]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return False
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            with open(f"/proc/{pid}/task/{tid}/syscall") as f:
                fields = f.read().split()
        except FileNotFoundError:
            continue  # the thread ended meanwhile
        except PermissionError:
            print("pin_signal.py: /proc/PID/task/TID/syscall is not readable (run as root)", file=sys.stderr)
            sys.exit(3)
        if state != "S" or len(fields) < 4 or not fields[0].isdigit():
            continue
        number, args = int(fields[0]), [int(x, 16) for x in fields[1:7]]
        if number == read_nr and args[0] == 0:
            return True
        if number in poll_nrs and 0 < args[1] <= 64:
            try:
                with open(f"/proc/{pid}/mem", "rb") as mem:
                    mem.seek(args[0])
                    raw = mem.read(8 * args[1])
            except OSError:
                continue
            if any(fd == 0 for fd, _, _ in struct.iter_unpack("=ihh", raw)):
                return True
    return False


def pipe_is_empty(fd):
    count = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
    return count == 0


def echoes(fd):
    return bool(termios.tcgetattr(fd)[3] & termios.ECHO)


master = slave = pin_read = pin_write = None
if mode == "tty":
    master, slave = os.openpty()

    def take_terminal():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # after setsid (start_new_session)

    child = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True, preexec_fn=take_terminal)
else:
    pin_read, pin_write = os.pipe()
    os.write(pin_write, "".join(p + "\n" for p in pins).encode())
    child = subprocess.Popen(argv, stdin=pin_read, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

out = {"stdout": b"", "stderr": b"", "terminal": b""}
sources = {child.stdout.fileno(): "stdout", child.stderr.fileno(): "stderr"}
if master is not None:
    sources[master] = "terminal"
typed = 0
signalled = False
timed_out = False


def send():
    global signalled
    if which == "ctrl-c":
        os.write(master, b"\x03")
    else:
        os.kill(child.pid, SIGNALS[which])
    signalled = True


while True:
    if time.monotonic() > deadline:
        timed_out = True
        child.kill()
        break
    ready, _, _ = select.select(list(sources), [], [], 0.05)
    for fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if data:
            out[sources[fd]] += data
        elif fd != master:
            del sources[fd]
    if child.poll() is not None and not any(fd != master for fd in sources):
        break
    if signalled or child.returncode is not None:
        continue
    if mode == "tty":
        prompts = len(PROMPT.findall(out["terminal"]))
        if prompts > typed and not echoes(slave):
            if typed < len(pins):
                os.write(master, pins[typed].encode() + b"\r")
                typed += 1
            else:
                send()
    elif pipe_is_empty(pin_read) and sleeping_on_fd0(child.pid):
        send()

status = child.wait()
if master is not None:
    # Whatever podpis's last words on the terminal were.
    while select.select([master], [], [], 0)[0]:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        out["terminal"] += data
report = {
    "status": status,
    "stdout": out["stdout"].decode("utf-8", "replace"),
    "stderr": out["stderr"].decode("utf-8", "replace"),
    "signalled": signalled,
}
if mode == "tty":
    report["terminal"] = out["terminal"].decode("utf-8", "replace")
    report["echo"] = echoes(slave)
print(json.dumps(report))
sys.exit(2 if timed_out else 0)
