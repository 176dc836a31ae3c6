"""The interop TestService (and health) served by Debian's python3-grpcio, for our client to test against.

Usage: /usr/bin/python3 interop_server.py --port N --gen-dir DIR
Prints "READY <port>" once serving; stops on SIGTERM or when stdin closes.
"""
import argparse
import signal
import sys
import threading
import time
from concurrent import futures

from interop_common import load_stubs

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--gen-dir", required=True)
    args = parser.parse_args()
    load_stubs(args.gen_dir)

    import grpc
    from testing import empty_pb2, messages_pb2, test_pb2_grpc
    import health_pb2
    import health_pb2_grpc

    def echo_metadata(context):
        md = dict(context.invocation_metadata())
        if ECHO_INITIAL in md:
            context.send_initial_metadata([(ECHO_INITIAL, md[ECHO_INITIAL])])
        if ECHO_TRAILING in md:
            context.set_trailing_metadata([(ECHO_TRAILING, md[ECHO_TRAILING])])

    def maybe_status(status, context):
        if status is not None and status.code != 0:
            context.abort(grpc.StatusCode(next(c.value for c in grpc.StatusCode if c.value[0] == status.code)), status.message)

    def payload(size):
        return messages_pb2.Payload(body=b"\0" * size)

    class TestService(test_pb2_grpc.TestServiceServicer):
        def EmptyCall(self, request, context):
            return empty_pb2.Empty()

        def UnaryCall(self, request, context):
            echo_metadata(context)
            if request.HasField("response_status"):
                maybe_status(request.response_status, context)
            return messages_pb2.SimpleResponse(payload=payload(request.response_size))

        def StreamingOutputCall(self, request, context):
            echo_metadata(context)
            for p in request.response_parameters:
                if p.interval_us:
                    time.sleep(p.interval_us / 1e6)
                yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size))

        def StreamingInputCall(self, request_iterator, context):
            total = sum(len(r.payload.body) for r in request_iterator)
            return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

        def FullDuplexCall(self, request_iterator, context):
            echo_metadata(context)
            for request in request_iterator:
                if request.HasField("response_status"):
                    maybe_status(request.response_status, context)
                for p in request.response_parameters:
                    if p.interval_us:
                        time.sleep(p.interval_us / 1e6)
                    yield messages_pb2.StreamingOutputCallResponse(payload=payload(p.size))

    class Health(health_pb2_grpc.HealthServicer):
        def Check(self, request, context):
            if request.service in ("", "grpc.testing.TestService"):
                return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
    health_pb2_grpc.add_HealthServicer_to_server(Health(), server)
    server.add_insecure_port("127.0.0.1:%d" % args.port)
    server.start()
    print("READY %d" % args.port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    server.stop(1).wait(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
