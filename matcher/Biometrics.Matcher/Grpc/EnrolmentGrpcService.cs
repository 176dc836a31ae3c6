using Biometrics.Grpc;
using Biometrics.Matcher.Services;
using Biometrics.Protos.V1;

namespace Biometrics.Matcher.Grpc;

/// <summary><c>biometrics.v1.Enrolment</c> over <see cref="EnrolmentService"/>. Singleton, thread-safe.</summary>
public sealed class EnrolmentGrpcService(EnrolmentService enrolment, Microsoft.Extensions.Options.IOptions<MatchingOptions> options)
{
    /// <summary>Enrol or re-enrol one subject (idempotent per request id).</summary>
    public async Task<EnrolResponse> Enrol(EnrolRequest request, ServerCallContext context)
    {
        var outcome = await enrolment.EnrolAsync(ProtoMapping.ToCommand(request, CallerIdentity.Actor(context)), context.CancellationToken).ConfigureAwait(false);
        return ProtoMapping.ToWire(outcome);
    }

    /// <summary>Subject metadata (never the vector).</summary>
    public async Task<Protos.V1.SubjectInfo> GetSubject(GetSubjectRequest request, ServerCallContext context)
    {
        var info = await enrolment.GetSubjectAsync(request.SubjectId, context.CancellationToken).ConfigureAwait(false);
        var response = new Protos.V1.SubjectInfo
        {
            SubjectKey = info.SubjectKey,
            ModelId = info.ModelId,
            Version = info.Version,
            EnrolledAtMs = info.EnrolledAt.ToUnixTimeMilliseconds(),
            Quality = new ProbeQuality { DetectionScore = info.Quality },
        };
        response.Galleries.AddRange(info.Galleries);
        return response;
    }

    /// <summary>Erase a subject.</summary>
    public async Task<DeleteSubjectResponse> DeleteSubject(DeleteSubjectRequest request, ServerCallContext context)
    {
        var key = await enrolment.DeleteAsync(request.SubjectId, request.RequestId, CallerIdentity.Actor(context), context.CancellationToken).ConfigureAwait(false);
        return new DeleteSubjectResponse { SubjectKey = key, Deleted = true };
    }

    /// <summary>Bulk enrolment: requests are collected into batches (whatever has arrived, up to the batch size) and written
    /// to the store pipelined; one response per request, in order.</summary>
    public async Task EnrolStream(IAsyncStreamReader<EnrolRequest> requestStream, IServerStreamWriter<EnrolResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var actor = CallerIdentity.Actor(context);
        var batchSize = options.Value.EnrolStreamBatchSize;
        var batch = new List<EnrolCommand>(batchSize);
        Task<IReadOnlyList<EnrolOutcome>>? inFlight = null;
        var more = await requestStream.MoveNext(token).ConfigureAwait(false);
        while (more)
        {
            batch.Add(ProtoMapping.ToCommand(requestStream.Current, actor));
            var next = requestStream.MoveNext(token);
            // Close the batch when it is full or the next request is not already there.
            if (batch.Count >= batchSize || !next.IsCompleted)
            {
                if (inFlight is not null) await WriteAsync(await inFlight.ConfigureAwait(false)).ConfigureAwait(false);
                inFlight = enrolment.EnrolManyAsync(batch.ToArray(), token);
                batch.Clear();
            }

            more = await next.ConfigureAwait(false);
        }

        if (batch.Count > 0)
        {
            if (inFlight is not null) await WriteAsync(await inFlight.ConfigureAwait(false)).ConfigureAwait(false);
            inFlight = enrolment.EnrolManyAsync(batch.ToArray(), token);
        }

        if (inFlight is not null) await WriteAsync(await inFlight.ConfigureAwait(false)).ConfigureAwait(false);

        async Task WriteAsync(IReadOnlyList<EnrolOutcome> outcomes)
        {
            foreach (var o in outcomes) await responseStream.WriteAsync(ProtoMapping.ToWire(o), token).ConfigureAwait(false);
        }
    }
}
