"""Shared helpers for the python side of the interop tests: generating stubs with grpc_tools.protoc at run time."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def load_stubs(out_dir):
    """Generates python modules for the interop and health protos into out_dir and puts it on sys.path."""
    from grpc_tools import protoc
    os.makedirs(out_dir, exist_ok=True)
    protos = os.path.join(HERE, "protos")
    health = os.path.join(REPO, "protos", "grpc", "health", "v1")
    args = ["protoc", "-I" + protos, "-I" + health, "--python_out=" + out_dir, "--grpc_python_out=" + out_dir]
    args += [os.path.join(protos, "testing", n) for n in ("empty.proto", "messages.proto", "test.proto")]
    args += [os.path.join(health, "health.proto")]
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed")
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
