#!/usr/bin/env python3
"""A throw-away PostgreSQL cluster for tests: the real server, no mocks (issue 14).

    pg_cluster.py [--] COMMAND [ARG...]

initdb into a fresh temporary directory, start postgres on a free port of 127.0.0.1 (and a unix
socket in that directory), create the database localca_test, run COMMAND with

    LOCALCA_TEST_PG_URL    postgresql://localca-test@127.0.0.1:PORT/localca_test
    LOCALCA_TEST_PG_STOP   a shell command that stops the server (fast shutdown), for fault tests
    LOCALCA_TEST_PG_START  a shell command that starts it again on the same port and data

then stop the server and remove the directory, also when COMMAND fails or this script is
interrupted. Exits with COMMAND's status.

For measurements: LOCALCA_PG_FSYNC=on (default off), LOCALCA_PG_OPTIONS (more server settings,
e.g. '-c log_statement=all') and LOCALCA_PG_KEEP_LOG=FILE (the server's log, kept after the run).

As a module (integration tests): `with pg_cluster.cluster() as c: c.url, c.stop(), c.start()`.

PostgreSQL refuses to run as root, and the tests do run as root here: the cluster then belongs to
the system user localca-test, created when missing. Needs Debian's postgresql (15) package
(deploy/install-deps.sh installs it).
"""
import contextlib
import glob
import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

USER = "localca-test"
DATABASE = "localca_test"


def bin_dir():
    # Debian installs the server outside PATH, one directory per major version.
    for candidate in ["/usr/lib/postgresql/15/bin"] + sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "postgres")):
            return candidate
    raise SystemExit("pg_cluster: no PostgreSQL server (apt-get install postgresql)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_user():
    """The unprivileged owner of the cluster when we are root; None otherwise (run as we are)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        USER], check=True)
    return pwd.getpwnam(USER)


class cluster:
    def __init__(self):
        self.bin = bin_dir()
        self.owner = ensure_user()
        self.root = tempfile.mkdtemp(prefix="localca-pg-")
        os.chmod(self.root, 0o755)  # the owner must reach it through the temp dir
        self.data = os.path.join(self.root, "data")
        self.sockets = os.path.join(self.root, "sockets")
        os.mkdir(self.sockets)
        if self.owner:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
            os.chown(self.sockets, self.owner.pw_uid, self.owner.pw_gid)
        self.port = free_port()
        user = self.owner.pw_name if self.owner else pwd.getpwuid(os.geteuid()).pw_name
        self.url = f"postgresql://{user}@127.0.0.1:{self.port}/{DATABASE}"
        self.running = False

    def _as_owner(self, args):
        return (["runuser", "-u", USER, "--"] if self.owner else []) + args

    def pg_ctl(self, *args):
        # fsync off: the tests judge correctness, not durability against power loss. A benchmark
        # wants the real thing (LOCALCA_PG_FSYNC=on), to compare with SQLite's synchronous=FULL.
        fsync = os.environ.get("LOCALCA_PG_FSYNC", "off")
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                   f"-c fsync={fsync}")
        # More server settings for a measurement, e.g. LOCALCA_PG_OPTIONS='-c log_statement=all'
        # to count the statements (round trips) of an issuance in server.log.
        extra = os.environ.get("LOCALCA_PG_OPTIONS", "")
        if extra:
            options += " " + extra
        return self._as_owner([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-w", "-s",
                               "-l", os.path.join(self.root, "server.log"), "-o", options,
                               *args])

    def __enter__(self):
        try:
            subprocess.run(self._as_owner([os.path.join(self.bin, "initdb"), "-D", self.data,
                                           "--auth=trust", "--encoding=UTF8", "--no-locale",
                                           "--username", self.owner.pw_name if self.owner else
                                           pwd.getpwuid(os.geteuid()).pw_name]),
                           check=True, stdout=subprocess.DEVNULL)
            self.start()
            subprocess.run(self._as_owner([os.path.join(self.bin, "createdb"), "-h", self.sockets,
                                           "-p", str(self.port), DATABASE]), check=True)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def start(self):
        subprocess.run(self.pg_ctl("start"), check=True)
        self.running = True

    def stop(self):
        subprocess.run(self.pg_ctl("stop", "-m", "fast"), check=True)
        self.running = False

    def log(self):
        try:
            with open(os.path.join(self.root, "server.log")) as f:
                return f.read()
        except OSError:
            return ""

    def __exit__(self, *exc):
        try:
            if os.path.exists(os.path.join(self.data, "postmaster.pid")):
                subprocess.run(self.pg_ctl("stop", "-m", "immediate"), check=False,
                               stderr=subprocess.DEVNULL)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
        return False


def main(argv):
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    # A ctest timeout or ^C must not leave a server behind: turn the signals into an exception
    # that unwinds through the cluster's __exit__.
    def interrupted(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, interrupted)
    with cluster() as c:
        env = dict(os.environ, LOCALCA_TEST_PG_URL=c.url,
                   LOCALCA_TEST_PG_STOP=shlex.join(c.pg_ctl("stop", "-m", "fast")),
                   LOCALCA_TEST_PG_START=shlex.join(c.pg_ctl("start")))
        child = subprocess.Popen(argv, env=env)
        try:
            status = child.wait()
        except KeyboardInterrupt:
            child.terminate()
            child.wait()
            raise
        if status != 0:
            print("pg_cluster: the server's log:\n" + c.log(), file=sys.stderr)
        keep_log = os.environ.get("LOCALCA_PG_KEEP_LOG")
        if keep_log:
            # The server's log outlives the throw-away cluster (e.g. to count statements).
            with open(keep_log, "w") as f:
                f.write(c.log())
        return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
