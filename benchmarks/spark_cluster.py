"""A Spark standalone cluster on loopback: one master and N workers, from pip pyspark's own jars.

Used by tests/engines/test_spark_cluster.py and by the cluster benchmark, so that the Spark
engine is run against a real master URL (driver, master and executors in separate JVMs,
tasks shipped to executors, shuffles between them), not only `local[*]`. Nothing beyond the
[spark] extra and Java is needed; daemons log and keep their work folders under `home`.

    .venv/bin/python benchmarks/spark_cluster.py --workers 2 --port 7077 &   # until killed
    .venv/bin/python benchmarks/run.py --sizes 1m 10m --engines spark \\
        --spark-master spark://127.0.0.1:7077
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from types import TracebackType


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def spark_home() -> Path:
    """The pip pyspark package folder: its bin/spark-class runs the daemons from its jars."""
    import pyspark

    return Path(pyspark.__file__).parent


class StandaloneCluster:
    """Start a master and `workers` workers on 127.0.0.1; stop them all on exit.

    Each worker offers `cores` cores and `memory` to executors. Entering waits until the
    master lists every worker ALIVE (its JSON status page), so a driver started next gets
    its executors at once.
    """

    def __init__(self, home: Path, workers: int = 2, cores: int = 1, memory: str = "1g",
                 port: int | None = None, timeout: float = 60.0) -> None:
        self.home, self.workers, self.cores, self.memory = home, workers, cores, memory
        self.port, self.ui_port = port or free_port(), free_port()
        self.timeout = timeout
        self.procs: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return f"spark://127.0.0.1:{self.port}"

    def _start(self, name: str, *args: str) -> None:
        sh = spark_home()
        env = {**os.environ, "SPARK_HOME": str(sh), "SPARK_LOCAL_IP": "127.0.0.1",
               "SPARK_LOG_DIR": str(self.home), "SPARK_NO_DAEMONIZE": "1"}
        log = (self.home / f"{name}.log").open("wb")
        self.procs.append(subprocess.Popen(
            [str(sh / "bin" / "spark-class"), *args], cwd=self.home, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True))

    def status(self) -> dict[str, object]:
        """The master's JSON status (workers, cores, running applications)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ui_port}/json/", timeout=2) as r:
            status: dict[str, object] = json.load(r)
            return status

    def alive_workers(self) -> int:
        try:
            workers = self.status().get("workers") or []
        except OSError:
            return 0
        return sum(1 for w in workers if isinstance(w, dict) and w.get("state") == "ALIVE")

    def start(self) -> StandaloneCluster:
        """Start the daemons without waiting for them (the caller can work meanwhile)."""
        self.home.mkdir(parents=True, exist_ok=True)
        self._start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", str(self.port), "--webui-port", str(self.ui_port))
        for i in range(self.workers):
            work = self.home / f"worker-{i}"
            work.mkdir(exist_ok=True)
            self._start(f"worker-{i}", "org.apache.spark.deploy.worker.Worker", self.url,
                        "--host", "127.0.0.1", "--webui-port", str(free_port()),
                        "--cores", str(self.cores), "--memory", self.memory,
                        "--work-dir", str(work))
        return self

    def wait(self) -> StandaloneCluster:
        """Wait until every worker is ALIVE; stop everything and say why if one never is."""
        deadline = time.monotonic() + self.timeout
        while self.alive_workers() < self.workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                self.stop()
                logs = "\n".join((self.home / f).read_text(errors="replace")[-2000:]
                                 for f in os.listdir(self.home) if f.endswith(".log"))
                raise RuntimeError(f"the Spark cluster did not come up:\n{logs}")
            time.sleep(0.5)
        return self

    def __enter__(self) -> StandaloneCluster:
        return self.start().wait()

    def stop(self) -> None:
        """Workers first, then the master: SIGTERM, then SIGKILL after 15 s."""
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1, help="cores per worker")
    parser.add_argument("--memory", default="1g", help="memory per worker for executors")
    parser.add_argument("--port", type=int, default=7077)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="divert-spark-cluster-"))
    # A background job ignores SIGINT: `kill <pid>` (SIGTERM) stops the cluster cleanly too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with StandaloneCluster(home, args.workers, args.cores, args.memory, args.port) as cluster:
        print(f"{cluster.url} ({args.workers} workers x {args.cores} core, {args.memory}); "
              f"logs in {home}; Ctrl-C or kill stops it", flush=True)
        try:
            while all(p.poll() is None for p in cluster.procs):
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
