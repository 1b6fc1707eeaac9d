"""Least privilege of a running stack (issue 14, part 5): the FastCGI
programs never run as root, refuse to start as root, their sockets admit
the web server's user and nobody else, and the files holding secrets
(cc.conf, the token secrets) are not readable by other users.

The socket checks connect as other users through runuser, so they need
root (as CI and the install test run); without it they skip."""
import glob
import os
import pwd
import grp
import socket
import stat
import subprocess
import tempfile
import unittest

from cc import ENV

STACK = ENV["CC_STACK_DIR"]
CONF = os.path.realpath(ENV["CC_CONF"])
PROGRAMS = ("merchant", "public", "events", "qr", "pay")


def spawn_env():
    """cc-spawn's settings when the programs are daemons (Apache stacks
    and the package), else None (lighttpd spawns them)."""
    path = os.path.join(STACK, "cc-spawn.env")
    if ENV.get("CC_HTTPD", "lighttpd") != "apache" or not os.path.exists(path):
        return None
    env = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                env[k] = v
    return env


def program_processes():
    """{pid: (argv, uid, gid)} of this stack's FastCGI programs (also
    under valgrind): the processes whose arguments or environment name
    this stack's cc.conf."""
    found = {}
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(d + "/cmdline", "rb") as f:
                argv = [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
            if not any(a.endswith(".fcgi") and "/cc-" in a for a in argv):
                continue
            mine = any(os.path.realpath(a) == CONF for a in argv if a.startswith("/"))
            if not mine:
                with open(d + "/environ", "rb") as f:
                    envs = f.read().split(b"\0")
                mine = ("CC_CONF=" + CONF).encode() in envs or \
                    ("CC_CONF=" + ENV["CC_CONF"]).encode() in envs
            if not mine:
                continue
            uid = gid = None
            with open(d + "/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        uid = [int(x) for x in line.split()[1:]]
                    elif line.startswith("Gid:"):
                        gid = [int(x) for x in line.split()[1:]]
            found[int(d.rsplit("/", 1)[1])] = (argv, uid, gid)
        except (OSError, PermissionError):
            continue
    return found


def sockets():
    """The programs' unix sockets: cc-spawn's CC_RUN, or the lighttpd
    stack's run directory (lighttpd names them cc-NAME.sock-0)."""
    env = spawn_env()
    run = env["CC_RUN"] if env else os.path.join(STACK, "run")
    out = []
    for name in PROGRAMS:
        out += glob.glob(os.path.join(run, "cc-%s.sock*" % name))
    return out


def connect_as(user, path):
    """Connects to a unix socket as user; returns "ok" or the error."""
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_UNIX)\n"
            "try:\n s.connect(sys.argv[1]); print('ok')\n"
            "except OSError as e: print(type(e).__name__)\n")
    p = subprocess.run(["runuser", "-u", user, "--", "python3", "-c", code, path],
                       capture_output=True, text=True, timeout=30)
    return p.stdout.strip() or p.stderr.strip()


def web_user():
    """The user the stack's web server connects to the programs as."""
    env = spawn_env()
    if env:
        return "www-data"	# Apache's User, cc-spawn's CC_SOCKET_GROUP
    return "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name


def outsider():
    """A user that is neither the programs' nor the web server's, and in
    none of their groups."""
    for name in ("daemon", "bin", "sys", "games"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        groups = {g.gr_name for g in grp.getgrall() if name in g.gr_mem}
        groups.add(grp.getgrgid(pw.pw_gid).gr_name)
        if not groups & {"www-data", "nogroup", "crypto-checkout", "root"}:
            return name
    return None


class TestLeastPrivilege(unittest.TestCase):
    def test_programs_not_root(self):
        procs = program_processes()
        names = {os.path.basename(a).split(".")[0] for argv, _, _ in procs.values()
                 for a in argv if a.endswith(".fcgi")}
        self.assertTrue({"cc-merchant", "cc-public", "cc-pay"} <= names,
                        "programs not found: %s" % sorted(names))
        for pid, (argv, uid, gid) in procs.items():
            self.assertNotIn(0, uid, "pid %d runs as root: %s" % (pid, argv))
            self.assertNotIn(0, gid, "pid %d has group root: %s" % (pid, argv))

    @unittest.skipUnless(os.geteuid() == 0, "needs root to try starting as root")
    def test_refuses_root(self):
        prog = None
        for argv, _, _ in program_processes().values():
            for a in argv:
                if a.endswith("/cc-merchant.fcgi"):
                    prog = a
        self.assertIsNotNone(prog, "cc-merchant.fcgi not found")
        with tempfile.TemporaryDirectory() as d:
            sock = os.path.join(d, "x.sock")
            p = subprocess.run([prog, "--config", ENV["CC_CONF"], "--socket", sock],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("refusing to run as root", p.stderr)
            self.assertFalse(os.path.exists(sock))

    @unittest.skipUnless(os.geteuid() == 0, "needs root to connect as other users")
    def test_sockets_web_server_only(self):
        socks = sockets()
        self.assertGreaterEqual(len(socks), 5, socks)
        other = outsider()
        self.assertIsNotNone(other, "no outsider user on this machine")
        ok = refused = 0
        for path in socks:
            mode = os.stat(path).st_mode
            self.assertTrue(stat.S_ISSOCK(mode), path)
            self.assertEqual(mode & stat.S_IWOTH, 0, "%s: others may connect" % path)
            self.assertEqual(connect_as(web_user(), path), "ok", path)
            ok += 1
            self.assertEqual(connect_as(other, path), "PermissionError",
                             "%s: %s connected" % (path, other))
            refused += 1
        print("privilege: %d sockets, web server connected %d, %s refused %d"
              % (len(socks), ok, other, refused))

    def test_secrets_not_world_readable(self):
        keys = None
        with open(ENV["CC_CONF"]) as f:
            section = ""
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line.startswith("["):
                    section = line
                elif section == "[jwt]" and line.startswith("keys"):
                    keys = line.split("=", 1)[1].strip()
        for path in filter(None, (ENV["CC_CONF"], keys)):
            mode = os.stat(path).st_mode
            self.assertEqual(mode & 0o007, 0, "%s is mode %o" % (path, mode & 0o777))


if __name__ == "__main__":
    unittest.main()
