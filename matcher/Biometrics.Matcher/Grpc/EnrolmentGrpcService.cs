using System.Threading.Channels;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Telemetry;
using Biometrics.Protos.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;

namespace Biometrics.Matcher.Grpc;

/// <summary><c>biometrics.v1.Enrolment</c> over <see cref="EnrolmentService"/>. Singleton, thread-safe.</summary>
public sealed class EnrolmentGrpcService(EnrolmentService enrolment, Microsoft.Extensions.Options.IOptions<MatchingOptions> options, MatcherTelemetry telemetry) : EnrolmentApi.EnrolmentBase
{
    /// <summary>Enrol or re-enrol one subject (idempotent per request id).</summary>
    [Authorize(Policy = MatcherPolicies.Enrol)]
    public override async Task<EnrolResponse> Enrol(EnrolRequest request, ServerCallContext context)
    {
        var outcome = await enrolment.EnrolAsync(ProtoMapping.ToCommand(request, CallerIdentity.Actor(context)), context.CancellationToken).ConfigureAwait(false);
        telemetry.Enrolment(outcome);
        return ProtoMapping.ToWire(outcome);
    }

    /// <summary>Subject metadata (never the vector).</summary>
    [Authorize(Policy = MatcherPolicies.ReadOrEnrol)]
    public override async Task<Protos.V1.SubjectInfo> GetSubject(GetSubjectRequest request, ServerCallContext context)
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
    [Authorize(Policy = MatcherPolicies.Delete)]
    public override async Task<DeleteSubjectResponse> DeleteSubject(DeleteSubjectRequest request, ServerCallContext context)
    {
        var key = await enrolment.DeleteAsync(request.SubjectId, request.RequestId, CallerIdentity.Actor(context), context.CancellationToken).ConfigureAwait(false);
        return new DeleteSubjectResponse { SubjectKey = key, Deleted = true };
    }

    /// <summary>Bulk enrolment: requests are collected into batches (whatever has arrived, up to the batch size) and written
    /// to the store one batch after another while the next batch is being read; each batch's responses are written as
    /// soon as the store has it (never held back until a later request arrives), one per request, in order.</summary>
    [Authorize(Policy = MatcherPolicies.Enrol)]
    public override async Task EnrolStream(IAsyncStreamReader<EnrolRequest> requestStream, IServerStreamWriter<EnrolResponse> responseStream, ServerCallContext context)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var token = failed.Token;
        var actor = CallerIdentity.Actor(context);
        var batchSize = options.Value.EnrolStreamBatchSize;
        // Two closed batches may wait for the store: enough to overlap reading with writing, and back-pressure beyond.
        var closed = Channel.CreateBounded<EnrolCommand[]>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var writer = StoreAndAnswerAsync();
        try
        {
            var batch = new List<EnrolCommand>(batchSize);
            var more = await requestStream.MoveNext(token).ConfigureAwait(false);
            while (more)
            {
                batch.Add(ProtoMapping.ToCommand(requestStream.Current, actor));
                var next = requestStream.MoveNext(token);
                // Close the batch when it is full or the next request is not already there.
                if (batch.Count >= batchSize || !next.IsCompleted)
                {
                    await closed.Writer.WriteAsync(batch.ToArray(), token).ConfigureAwait(false);
                    batch.Clear();
                }

                more = await next.ConfigureAwait(false);
            }

            if (batch.Count > 0) await closed.Writer.WriteAsync(batch.ToArray(), token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            // The writer failed and cancelled the reading; its exception, awaited below, is the one that matters. (Not
            // `writer.IsFaulted`: the writer cancels before it rethrows, so the reading could end first and the call then
            // failed UNKNOWN with this cancellation, seen in the Redis-loss proof, docs/SCALING.md.)
        }
        finally
        {
            closed.Writer.TryComplete();
        }

        await writer.ConfigureAwait(false);

        async Task StoreAndAnswerAsync()
        {
            try
            {
                await foreach (var commands in closed.Reader.ReadAllAsync(token).ConfigureAwait(false))
                {
                    var outcomes = await enrolment.EnrolManyAsync(commands, token).ConfigureAwait(false);
                    foreach (var o in outcomes)
                    {
                        telemetry.Enrolment(o);
                        await responseStream.WriteAsync(ProtoMapping.ToWire(o), token).ConfigureAwait(false);
                    }
                }
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }
    }
}
