#!/usr/bin/env python3
"""Runs a command in a real pseudo-terminal and types into it, as a person at a terminal would.

    python3 pty-session.py '<steps JSON>' -- <command> [args...]

Steps are [wait_for, keys] pairs: wait until the terminal output (escape sequences removed)
contains `wait_for` since the previous step, then type `keys` ("\r" is Enter, "\x1b[B" the
down arrow, " " space). Prints the whole terminal output as written (escape sequences
included) to stdout and exits with the command's exit code; 124 when a wait times out (the
output so far is printed, and what was awaited goes to stderr).
"""
import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")
TIMEOUT = 30.0


def main() -> int:
    steps = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(command[0], command)
    # a 100 x 40 terminal (a new pty has no size, and prompt libraries wrap at its width)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    transcript = bytearray()
    seen = 0  # where the current step starts looking

    def read(deadline: float) -> bool:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return True
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        transcript.extend(chunk)
        return True

    for wait_for, keys in steps:
        deadline = time.monotonic() + TIMEOUT
        while wait_for.encode() not in ESCAPES.sub(b"", bytes(transcript[seen:])):
            if time.monotonic() > deadline or not read(deadline):
                sys.stdout.write(transcript.decode("utf-8", "replace"))
                sys.stderr.write(f"pty-session: timed out waiting for {wait_for!r}\n")
                os.kill(pid, 9)
                return 124
        seen = len(transcript)
        time.sleep(0.05)  # the prompt library renders, then reads keys
        os.write(fd, keys.encode())
    deadline = time.monotonic() + TIMEOUT * 4
    while time.monotonic() < deadline and read(deadline):
        pass
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode("utf-8", "replace"))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
