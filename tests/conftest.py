"""Fixtures shared by the test modules."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def s3() -> Iterator[dict[str, Any]]:
    """A real S3-compatible server (moto's server mode) on 127.0.0.1, with a
    bucket named ``bucket``. Yields the ``storage_options`` that s3fs needs
    to reach it (endpoint and the server's dummy credentials), which is what
    a user passes for any S3-compatible service."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    options = {
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"endpoint_url": f"http://{host}:{port}"},
    }
    import s3fs

    s3fs.S3FileSystem(**options).mkdir("bucket")
    try:
        yield options
    finally:
        server.stop()
