"""Starts N server processes on one listening socket, as a supervisor (systemd) hands it over:
descriptor 3, LISTEN_FDS=1, LISTEN_PID = the process. Prints their pids, one per line, then
waits; SIGTERM or SIGINT stops them all.

Usage: python3 shared_socket.py HOST:PORT N COMMAND [ARGS...]
"""
import os
import signal
import socket
import subprocess
import sys

host, port = sys.argv[1].rsplit(":", 1)
count = int(sys.argv[2])
command = sys.argv[3:]

listener = socket.create_server((host, int(port)), backlog=4096)
if listener.fileno() != 3:
    os.dup2(listener.fileno(), 3)
# sh learns its own pid and execs the server into it, so LISTEN_PID names the server.
children = [
    subprocess.Popen(
        ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@"', *command],
        pass_fds=(3,),
    )
    for _ in range(count)
]
for child in children:
    print(child.pid, flush=True)


def stop(*_):
    for child in children:
        child.terminate()
    for child in children:
        child.wait()
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
os.wait()
stop()
