"""Health/Check a matcher until SERVING: prints the seconds from START until its first answer and until SERVING.

Usage: wait_serving.py HOST:PORT START [TIMEOUT]; START is a Unix time (date +%s.%N). Exit 1 when not SERVING in time.
A new channel after every failure: one channel's reconnect backoff (1 s, growing) would report the listener late.
"""
import sys
import time

import grpc

address, start = sys.argv[1], float(sys.argv[2])
timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 300
first = None
while time.time() - start < timeout:
    channel = grpc.insecure_channel(address)
    call = channel.unary_unary('/grpc.health.v1.Health/Check', request_serializer=lambda x: x, response_deserializer=lambda x: x)
    try:
        while True:
            reply = call(b'', timeout=0.5)
            first = first if first is not None else time.time() - start
            if reply == b'\x08\x01':  # HealthCheckResponse { status: SERVING }
                print(f"{first:.2f} {time.time() - start:.2f}")
                sys.exit(0)
            time.sleep(0.02)
    except grpc.RpcError:
        pass
    channel.close()
    time.sleep(0.02)
sys.exit(1)
