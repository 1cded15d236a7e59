#!/usr/bin/env python3
"""tty_keygen.py — runs a command on a pseudo-terminal (its controlling
terminal, so /dev/tty is the pty), answers each prompt, and prints a JSON
line {"rc": exit code (negative: killed by that signal), "out": transcript}.
Used by operators.sh to try `kasan operator keygen`'s question without echo.

    tty_keygen.py 'PROMPT=ANSWER' ... -- COMMAND ARGS...

An ANSWER of ^C sends the terminal's interrupt character (SIGINT)."""
import json
import os
import pty
import select
import sys
import time


def read_until(fd, out, want, seconds=30):
    deadline = time.time() + seconds
    while want not in out and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.5)
        if not r:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b''
        if not data:
            break
        out += data
    return out


def main():
    args = sys.argv[1:]
    sep = args.index('--')
    answers = [a.split('=', 1) for a in args[:sep]]
    cmd = args[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b''
    for prompt, answer in answers:
        out = read_until(fd, out, prompt.encode())
        time.sleep(0.1)  # the question has turned echo off before it is written
        os.write(fd, b'\x03' if answer == '^C' else answer.encode() + b'\n')
    out = read_until(fd, out, b'\0never\0')
    _, status = os.waitpid(pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    print(json.dumps({'rc': rc, 'out': out.decode('utf-8', 'replace')}, ensure_ascii=False))


if __name__ == '__main__':
    main()
