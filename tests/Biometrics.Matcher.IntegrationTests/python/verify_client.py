"""A python grpcio client of the matcher: Health.Check and Matcher.Verify with stubs generated from our protos.

usage: verify_client.py STUBS_DIR ADDRESS GATE_TOKEN MODEL_ID
Prints one line of JSON with the health status and the verdict.
"""
import json
import math
import random
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from biometrics.v1 import common_pb2, matcher_pb2  # noqa: E402
from healthcheck import health_pb2  # noqa: E402  (grpc.health.v1, compiled under another module path)


def unit(v):
    n = math.sqrt(sum(x * x for x in v))
    return [x / n for x in v]


def main():
    _, _, address, token, model_id = sys.argv
    channel = grpc.insecure_channel(address)
    check = channel.unary_unary(
        "/grpc.health.v1.Health/Check",
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString,
    )
    health = check(health_pb2.HealthCheckRequest(service=""), timeout=10)

    verify = channel.unary_unary(
        "/biometrics.v1.Matcher/Verify",
        request_serializer=matcher_pb2.VerifyRequest.SerializeToString,
        response_deserializer=common_pb2.Verdict.FromString,
    )
    rng = random.Random(42)
    claim = unit([rng.uniform(-1, 1) for _ in range(512)])
    noise = unit([rng.uniform(-1, 1) for _ in range(512)])
    probe = unit([c + 0.3 * n for c, n in zip(claim, noise)])  # cosine with the claim about 0.96
    request = matcher_pb2.VerifyRequest(
        claim=common_pb2.Claim(reference_template=common_pb2.Embedding(values=claim, model_id=model_id)),
        probe=common_pb2.Probe(embedding=common_pb2.Embedding(values=probe, model_id=model_id)),
        gate_id="py-gate",
        lane_id="py-lane",
    )
    verdict = verify(request, timeout=10, metadata=[("authorization", "Bearer " + token)])
    print(json.dumps({
        "health": health_pb2.HealthCheckResponse.ServingStatus.Name(health.status),
        "decision": common_pb2.Decision.Name(verdict.decision),
        "score": verdict.score,
        "reason": verdict.reason,
        "transaction_id": verdict.transaction_id,
    }))


if __name__ == "__main__":
    main()
