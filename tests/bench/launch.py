#!/usr/bin/python3
"""launch.py PASSLAUNCH PROFILE RUNS: launch overhead and launcher memory.

Times, RUNS times each and alternating, from exec to the first answer of
query-status on the VM's client monitor socket: `passlaunch run PROFILE`
against bare qemu-system-x86_64 with the argv `passlaunch print` gives for
the same profile. The ratio is the median of each run's ratio to the bare
run just before it (QEMU's own start varies by more than the launcher
costs, and drifts with the machine's load). Reads the launcher's peak RSS
(VmHWM) once its guest runs. Prints one JSON object."""
import json
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time


def query_status(path):
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(5)
    sock.connect(path)
    stream = sock.makefile("rw")
    stream.readline()  # the greeting
    for cmd in ("qmp_capabilities", "query-status"):
        stream.write(json.dumps({"execute": cmd}) + "\n")
        stream.flush()
        while True:
            msg = json.loads(stream.readline())
            if "event" not in msg:
                break
    sock.close()
    return msg["return"]["status"]


def wait_ready(path, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench: exited with {proc.returncode} before QMP answered")
        try:
            return query_status(path)
        except (OSError, ValueError):
            time.sleep(0.002)  # polling the state, bounded by the deadline
    raise SystemExit("bench: QMP did not answer within 60 s")


def vm_name(profile):
    with open(profile) as f:
        for line in f:
            key, _, value = line.partition("=")
            if key.strip() == "name":
                return value.split(";")[0].strip()
    return os.path.basename(profile).removesuffix(".ini")


def launcher_run(passlaunch, profile, runtime):
    sock = f"{runtime}/{vm_name(profile)}/client.sock"
    start = time.monotonic()
    proc = subprocess.Popen([passlaunch, "run", profile], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_ready(sock, proc)
    elapsed = time.monotonic() - start
    return proc, elapsed


def stop_launcher(passlaunch, profile, proc):
    subprocess.run([passlaunch, "stop", vm_name(profile), "--force"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    proc.wait(timeout=60)


def handed_fds(argv, sockdir):
    """{number: descriptor}: what `passlaunch run` would hand QEMU for ARGV,
    opened here (files, and the monitors' listening sockets in SOCKDIR)."""
    fds = {}
    for opt, value in zip(argv, argv[1:]):
        fields = dict(f.split("=", 1) for f in value.split(",") if "=" in f)
        if opt == "-add-fd":
            mode, path = fields["opaque"].split(":", 1)
            fds[int(fields["fd"])] = os.open(path, os.O_RDWR if mode == "rw" else os.O_RDONLY)
        elif opt == "-chardev" and value.startswith("socket,") and "fd" in fields:
            sock = socket.socket(socket.AF_UNIX)
            path = f"{sockdir}/{fields['id']}.sock"
            if os.path.exists(path):
                os.unlink(path)
            sock.bind(path)
            sock.listen(4)
            fds[int(fields["fd"])] = os.dup(sock.fileno())
            sock.close()
    return fds


def bare_run(argv, runtime, name):
    os.makedirs(f"{runtime}/{name}/qemu", exist_ok=True)
    sock = f"{runtime}/{name}/qmp-client.sock"
    fds = handed_fds(argv, f"{runtime}/{name}")
    high = {n: os.dup(fd) for n, fd in fds.items()}

    def place():
        for n, fd in high.items():
            os.dup2(fd, n)

    start = time.monotonic()
    # dup2 leaves the copies inheritable; nothing else is closed for them.
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=place, close_fds=False)
    wait_ready(sock, proc)
    elapsed = time.monotonic() - start
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for fd in list(fds.values()) + list(high.values()):
        os.close(fd)
    return elapsed


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    passlaunch, profile, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    runtime = os.environ["PASSLAUNCH_RUNTIME_DIR"]
    printed = subprocess.run([passlaunch, "print", profile], capture_output=True, text=True,
                             check=True).stdout
    argv = shlex.split(printed.replace("\\\n", " "))
    # The same runtime layout for bare QEMU, under a name of its own.
    name = vm_name(profile)
    argv = [a.replace(f"{runtime}/{name}/", f"{runtime}/bare-{name}/") for a in argv]
    launcher, bare, rss = [], [], []
    for _ in range(runs):
        bare.append(bare_run(argv, runtime, f"bare-{name}"))
        proc, elapsed = launcher_run(passlaunch, profile, runtime)
        launcher.append(elapsed)
        time.sleep(0.5)  # a benchmark, not a test: let the guest run before reading RSS
        rss.append(peak_rss_kib(proc.pid))
        stop_launcher(passlaunch, profile, proc)
    print(json.dumps({
        "ratio": statistics.median(l / b for l, b in zip(launcher, bare)),
        "launcher_ms": statistics.median(launcher) * 1000,
        "bare_ms": statistics.median(bare) * 1000,
        "runs": runs,
        "peak_rss_kib": max(rss),
    }))


main()
