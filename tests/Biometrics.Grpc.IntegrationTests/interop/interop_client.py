"""The standard gRPC interop test cases (client side), run with Debian's python3-grpcio against a server.

Usage: /usr/bin/python3 interop_client.py --server 127.0.0.1:50051 --gen-dir DIR [--cases a,b,c]
Prints one JSON object per line: {"case": name, "ok": bool, "detail": str}.
"""
import argparse
import json
import sys
import threading
import time

from interop_common import load_stubs

SPECIAL_MESSAGE = "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--cases", default="")
    args = parser.parse_args()
    load_stubs(args.gen_dir)

    import grpc
    from testing import empty_pb2, messages_pb2, test_pb2_grpc
    import health_pb2
    import health_pb2_grpc

    channel = grpc.insecure_channel(args.server)
    grpc.channel_ready_future(channel).result(timeout=20)
    stub = test_pb2_grpc.TestServiceStub(channel)
    unimplemented_stub = test_pb2_grpc.UnimplementedServiceStub(channel)
    health = health_pb2_grpc.HealthStub(channel)
    T = 20  # seconds; every call is bounded

    def check(cond, msg):
        if not cond:
            raise AssertionError(msg)

    def empty_unary():
        r = stub.EmptyCall(empty_pb2.Empty(), timeout=T)
        check(isinstance(r, empty_pb2.Empty), "not Empty")

    def large_unary():
        req = messages_pb2.SimpleRequest(response_size=314159, payload=messages_pb2.Payload(body=b"\0" * 271828))
        r = stub.UnaryCall(req, timeout=T)
        check(len(r.payload.body) == 314159, "wrong response size %d" % len(r.payload.body))

    def client_streaming():
        sizes = [27182, 8, 1828, 45904]
        reqs = (messages_pb2.StreamingInputCallRequest(payload=messages_pb2.Payload(body=b"\0" * s)) for s in sizes)
        r = stub.StreamingInputCall(reqs, timeout=T)
        check(r.aggregated_payload_size == 74922, "aggregated %d" % r.aggregated_payload_size)

    def server_streaming():
        sizes = [31415, 9, 2653, 58979]
        req = messages_pb2.StreamingOutputCallRequest(response_parameters=[messages_pb2.ResponseParameters(size=s) for s in sizes])
        got = [len(r.payload.body) for r in stub.StreamingOutputCall(req, timeout=T)]
        check(got == sizes, "sizes %s" % got)

    def ping_pong():
        requests = [(27182, 31415), (8, 9), (1828, 2653), (45904, 58979)]
        outbox = []
        cond = threading.Condition()

        def gen():
            for i, (req_size, resp_size) in enumerate(requests):
                with cond:
                    while len(outbox) < i:
                        cond.wait(T)
                yield messages_pb2.StreamingOutputCallRequest(
                    response_parameters=[messages_pb2.ResponseParameters(size=resp_size)],
                    payload=messages_pb2.Payload(body=b"\0" * req_size))

        for r in stub.FullDuplexCall(gen(), timeout=T):
            with cond:
                outbox.append(len(r.payload.body))
                cond.notify_all()
        check(outbox == [s for _, s in requests], "sizes %s" % outbox)

    def empty_stream():
        got = list(stub.FullDuplexCall(iter([]), timeout=T))
        check(got == [], "expected no responses")

    def cancel_after_begin():
        blocker = threading.Event()

        def gen():
            blocker.wait(T)
            return
            yield  # pragma: no cover

        future = stub.StreamingInputCall.future(gen(), timeout=T)
        future.cancel()
        blocker.set()
        check(future.cancelled(), "not cancelled")
        try:
            future.result(timeout=T)
            raise AssertionError("no error")
        except grpc.FutureCancelledError:
            pass

    def cancel_after_first_response():
        go = threading.Event()

        def gen():
            yield messages_pb2.StreamingOutputCallRequest(
                response_parameters=[messages_pb2.ResponseParameters(size=31415)],
                payload=messages_pb2.Payload(body=b"\0" * 27182))
            go.wait(T)

        call = stub.FullDuplexCall(gen(), timeout=T)
        first = next(call)
        check(len(first.payload.body) == 31415, "first size")
        call.cancel()
        go.set()
        try:
            next(call)
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.CANCELLED, "code %s" % e.code())

    def timeout_on_sleeping_server():
        def gen():
            yield messages_pb2.StreamingOutputCallRequest(payload=messages_pb2.Payload(body=b"\0" * 27182))
            time.sleep(2)

        try:
            for _ in stub.FullDuplexCall(gen(), timeout=0.001):
                pass
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, "code %s" % e.code())

    def custom_metadata():
        initial = ("x-grpc-test-echo-initial", "test_initial_metadata_value")
        trailing = ("x-grpc-test-echo-trailing-bin", b"\x0a\x0b\x0a\x0b\x0a\x0b")
        req = messages_pb2.SimpleRequest(response_size=314159, payload=messages_pb2.Payload(body=b"\0" * 271828))
        r, call = stub.UnaryCall.with_call(req, metadata=[initial, trailing], timeout=T)
        check(len(r.payload.body) == 314159, "size")
        check(initial in list(call.initial_metadata()), "initial %s" % (call.initial_metadata(),))
        check(trailing in list(call.trailing_metadata()), "trailing %s" % (call.trailing_metadata(),))
        sreq = messages_pb2.StreamingOutputCallRequest(response_parameters=[messages_pb2.ResponseParameters(size=314159)],
                                                       payload=messages_pb2.Payload(body=b"\0" * 271828))
        call = stub.FullDuplexCall(iter([sreq]), metadata=[initial, trailing], timeout=T)
        check(len(next(call).payload.body) == 314159, "stream size")
        check(initial in list(call.initial_metadata()), "stream initial")
        for _ in call:
            pass
        check(trailing in list(call.trailing_metadata()), "stream trailing")

    def status_code_and_message():
        status = messages_pb2.EchoStatus(code=2, message="test status message")
        try:
            stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=T)
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNKNOWN and e.details() == "test status message", "%s %r" % (e.code(), e.details()))
        try:
            list(stub.FullDuplexCall(iter([messages_pb2.StreamingOutputCallRequest(response_status=status)]), timeout=T))
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNKNOWN and e.details() == "test status message", "%s %r" % (e.code(), e.details()))

    def special_status_message():
        status = messages_pb2.EchoStatus(code=2, message=SPECIAL_MESSAGE)
        try:
            stub.UnaryCall(messages_pb2.SimpleRequest(response_status=status), timeout=T)
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNKNOWN and e.details() == SPECIAL_MESSAGE, "%s %r" % (e.code(), e.details()))

    def unimplemented_method():
        try:
            stub.UnimplementedCall(empty_pb2.Empty(), timeout=T)
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNIMPLEMENTED, "code %s" % e.code())

    def unimplemented_service():
        try:
            unimplemented_stub.UnimplementedCall(empty_pb2.Empty(), timeout=T)
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNIMPLEMENTED, "code %s" % e.code())

    def health_check():
        r = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=T)
        check(r.status == health_pb2.HealthCheckResponse.SERVING, "status %s" % r.status)
        try:
            health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"), timeout=T)
            raise AssertionError("no error")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.NOT_FOUND, "code %s" % e.code())
        watch = health.Watch(health_pb2.HealthCheckRequest(service=""), timeout=T)
        check(next(watch).status == health_pb2.HealthCheckResponse.SERVING, "watch")
        watch.cancel()

    def assert_serving():
        r = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=T)
        check(r.status == health_pb2.HealthCheckResponse.SERVING, "not SERVING afterwards: %s" % r.status)

    def health_long_service_name():
        # Not a standard interop case: the production finding of issue 11 (a multi-MiB name echoed into grpc-message).
        started = time.monotonic()
        try:
            health.Check(health_pb2.HealthCheckRequest(service="x" * (3 * 1024 * 1024)), timeout=T)
            raise AssertionError("no error")
        except grpc.RpcError as e:
            elapsed = time.monotonic() - started
            check(e.code() == grpc.StatusCode.NOT_FOUND, "code %s after %.1f s: %.200s" % (e.code(), elapsed, e.details()))
            check(elapsed < 5, "answered after %.1f s" % elapsed)
            check(len(e.details() or "") <= 200, "message of %d chars" % len(e.details() or ""))
        assert_serving()

    def garbage_request():
        # Not a standard interop case: request bytes that are not a SimpleRequest, sent by the real peer.
        raw = channel.unary_unary("/grpc.testing.TestService/UnaryCall", request_serializer=lambda b: b,
                                  response_deserializer=lambda b: b)
        for body in (b"\xff" * 6, b"\x1a\x64\x01\x02", b"\x08" + b"\xff" * 10 + b"\x01"):
            started = time.monotonic()
            try:
                raw(body, timeout=T)
                raise AssertionError("no error for %r" % body)
            except grpc.RpcError as e:
                elapsed = time.monotonic() - started
                check(e.code() in (grpc.StatusCode.INTERNAL, grpc.StatusCode.INVALID_ARGUMENT),
                      "%r: code %s %r" % (body, e.code(), e.details()))
                check(elapsed < 5, "answered after %.1f s" % elapsed)
                check(len(e.details() or "") <= 200, "message of %d chars" % len(e.details() or ""))
            assert_serving()

    cases = dict(empty_unary=empty_unary, large_unary=large_unary, client_streaming=client_streaming,
                 server_streaming=server_streaming, ping_pong=ping_pong, empty_stream=empty_stream,
                 cancel_after_begin=cancel_after_begin, cancel_after_first_response=cancel_after_first_response,
                 timeout_on_sleeping_server=timeout_on_sleeping_server, custom_metadata=custom_metadata,
                 status_code_and_message=status_code_and_message, special_status_message=special_status_message,
                 unimplemented_method=unimplemented_method, unimplemented_service=unimplemented_service,
                 health_check=health_check, health_long_service_name=health_long_service_name,
                 garbage_request=garbage_request)
    selected = [c for c in args.cases.split(",") if c] or list(cases)
    failures = 0
    for name in selected:
        try:
            cases[name]()
            print(json.dumps({"case": name, "ok": True, "detail": ""}), flush=True)
        except Exception as e:  # report every case, keep going
            failures += 1
            print(json.dumps({"case": name, "ok": False, "detail": "%s: %s" % (type(e).__name__, e)}), flush=True)
    channel.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
