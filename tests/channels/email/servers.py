"""Real mail servers on loopback for the e-mail tests: SMTP (aiosmtpd, in a thread) and
IMAP (Debian's dovecot, started with its own configuration, mail directory and
passwd-file users in a temporary directory; no system service is touched).

Tests that need dovecot call `dovecot_binary()`: without it they skip on a developer's
machine and fail in CI (the CI variable set), so CI cannot pass without the real server.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import require_installed

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A loopback port nothing listens on (the kernel's pick, released again)."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


# --- SMTP -----------------------------------------------------------------------------


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    authenticated: bool = False

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class SmtpHandler:
    """Accepts mail, except for the addresses in `refuse` (address -> SMTP reply) and,
    while `tempfail` is above zero, DATA answered with 451 (one per attempt)."""

    refuse: dict[str, str] = field(default_factory=dict)
    tempfail: int = 0
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail > 0:
            self.tempfail -= 1
            return "451 4.3.0 Mail server temporarily busy, try again later"
        self.received.append(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.content,
                authenticated=bool(session.authenticated),
            )
        )
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a loopback port; with `credentials`, AUTH is offered over plain text
    and checked, and each received message records whether its session logged in."""

    def __init__(self, *, port: int | None = None, credentials: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.handler = SmtpHandler()
        self.credentials = credentials
        auth = {}
        if credentials is not None:
            auth = {
                "authenticator": self._authenticate,
                "auth_require_tls": False,
            }
        self.controller = Controller(self.handler, hostname=LOOPBACK, port=self.port, **auth)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        given = (
            (auth_data.login.decode(), auth_data.password.decode())
            if isinstance(auth_data, LoginPassword)
            else None
        )
        return AuthResult(success=given == self.credentials, handled=False)

    @property
    def url(self) -> str:
        if self.credentials:
            user, password = self.credentials
            return f"smtp://{user}:{password}@{LOOPBACK}:{self.port}"
        return f"smtp://{LOOPBACK}:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class SilentServer:
    """Accepts TCP connections and never says a word: a hung mail server."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind((LOOPBACK, 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc) -> None:
        self.socket.close()


# --- IMAP -----------------------------------------------------------------------------


def dovecot_binary() -> str:
    path = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None
    )
    if path is None:
        require_installed("dovecot (apt-get install dovecot-imapd)")
    return path


class Dovecot:
    """A dovecot of our own on a loopback port: plain IMAP, passwd-file users, Maildir
    under a temporary directory. Run as root, it hands its processes to the package's
    unprivileged users, and mail belongs to `dovenull`'s uid as the passwd-file says."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        # Short path: dovecot puts unix sockets in base_dir (108-byte limit).
        self.root = Path(tempfile.mkdtemp(prefix="sigap-dovecot-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        if os.geteuid() == 0:
            internal, login = "dovecot", "dovenull"
            mail = pwd.getpwnam("dovenull")
        else:
            internal = login = pwd.getpwuid(os.geteuid()).pw_name
            mail = pwd.getpwuid(os.geteuid())
        self.uid, self.gid = mail.pw_uid, mail.pw_gid
        self.passwd = self.root / "passwd"
        self.passwd.write_text("")
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", self.uid, self.gid)
        self.root.chmod(0o755)
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            f"""
instance_name = sigap-test-{self.port}
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = {LOOPBACK}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{self.root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {self.passwd}
}}
service imap-login {{
  inet_listener imap {{
    address = {LOOPBACK}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
  # No login penalty after the wrong-password test: it would slow every later login.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
        )

    def start(self) -> Dovecot:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                raise RuntimeError(f"dovecot exited: {output}\n{self._log()}")
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=1) as conn:
                    if conn.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on port {self.port}\n{self._log()}")

    def _log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self, user: str, password: str) -> None:
        """Add a passwd-file user; before `start()`, since dovecot rereads the file only
        when its modification time changes, which within the same second it may not."""
        home = self.root / "mail" / user
        with self.passwd.open("a") as fh:
            fh.write(f"{user}:{{PLAIN}}{password}:{self.uid}:{self.gid}::{home}::\n")

    def url(self, user: str, password: str, folder: str = "INBOX", **options: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in options.items())
        user, password = quote(user, safe=""), quote(password, safe="")
        return f"imap://{user}:{password}@{LOOPBACK}:{self.port}/{folder}" + (
            f"?{query}" if query else ""
        )

    def client(self, user: str, password: str) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(LOOPBACK, self.port, timeout=10)
        imap.login(user, password)
        return imap

    def append(self, user: str, password: str, raw: bytes, *, flags: str = "") -> None:
        """Deliver `raw` into the user's INBOX, as an MTA would."""
        imap = self.client(user, password)
        try:
            typ, data = imap.append("INBOX", f"({flags})" if flags else None, None, raw)
            assert typ == "OK", data
        finally:
            imap.logout()

    def flags(self, user: str, password: str) -> list[set[str]]:
        """The flags of each message in the user's INBOX, in order."""
        imap = self.client(user, password)
        try:
            imap.select("INBOX", readonly=True)
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            assert typ == "OK", data
            flags = []
            for line in data:
                if not line:
                    continue
                inner = line.decode().partition("FLAGS (")[2].partition(")")[0]
                flags.append(set(inner.split()))
            return flags
        finally:
            imap.logout()
