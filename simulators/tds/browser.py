"""A SQL Server Browser double ([MC-SQLR]): answers CLNT_UCAST_INST / CLNT_UCAST_EX for the
instances it is given, with the SVR_RESP record format of the specification."""

from __future__ import annotations

import socket
import threading


def svr_resp(records: list[str]) -> bytes:
    """SVR_RESP: 0x05, RESP_SIZE (little-endian), RESP_DATA (MBCS)."""
    data = "".join(records).encode("latin-1")
    return b"\x05" + len(data).to_bytes(2, "little") + data


def record(instance: str, tcp_port: int | None, version: str = "16.0.4135.4") -> str:
    tcp = f"tcp;{tcp_port};" if tcp_port else ""
    return (f"ServerName;PRAXIS-SRV;InstanceName;{instance};IsClustered;No;Version;{version};"
            f"{tcp}np;\\\\PRAXIS-SRV\\pipe\\MSSQL${instance}\\sql\\query;;")  # fmt: skip


class Browser:
    """UDP responder on `host:port`; `instances` maps name -> TCP port (None: TCP off)."""

    def __init__(self, instances: dict[str, int | None], host: str = "127.0.0.1", port: int = 0):
        self.instances = instances
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                continue
            self.requests.append(data)
            reply = self.answer(data)
            if reply:
                self.sock.sendto(reply, peer)

    def answer(self, data: bytes) -> bytes | None:
        if data[:1] == b"\x04":  # CLNT_UCAST_INST: one instance, NUL-terminated name
            name = data[1:].split(b"\x00", 1)[0].decode("latin-1")
            for instance, port in self.instances.items():
                if instance.lower() == name.lower():
                    return svr_resp([record(instance, port)])
            return None  # unknown instances get no answer, as on a real server
        if data[:1] in (b"\x02", b"\x03"):  # CLNT_BCAST_EX / CLNT_UCAST_EX: all instances
            return svr_resp([record(i, p) for i, p in self.instances.items()])
        return None

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()
