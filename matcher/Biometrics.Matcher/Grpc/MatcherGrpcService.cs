using System.Runtime.CompilerServices;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Telemetry;
using Biometrics.Protos.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Logging;
using MatcherApi = Biometrics.Protos.V1.Matcher;

namespace Biometrics.Matcher.Grpc;

/// <summary><c>biometrics.v1.Matcher</c>: Verify, Identify and GateSession over the domain services. Singleton, thread-safe.</summary>
public sealed partial class MatcherGrpcService(VerificationService verification, IdentificationService identification, GateSessionService sessions,
    MatcherTelemetry telemetry, ILogger<MatcherGrpcService> logger) : MatcherApi.MatcherBase
{
    /// <summary>1:1 verification.</summary>
    [Authorize(Policy = MatcherPolicies.Match)]
    public override async Task<Verdict> Verify(VerifyRequest request, ServerCallContext context)
    {
        if (request.GateId.Length > 64 || request.LaneId.Length > 64 || request.RequestId.Length > 64)
        {
            throw RpcErrors.ToRpc(MatcherException.Invalid("field_length", "gate_id, lane_id and request_id are at most 64 characters."));
        }

        var command = new VerifyCommand(ProtoMapping.ToClaim(request.Claim), ProtoMapping.ToPooledFace(request.Probe), CallerIdentity.Actor(context),
            request.GateId, request.LaneId, request.RequestId, request.SkipWatchlist);
        var result = await verification.VerifyAsync(command, context.Deadline, context.CancellationToken).ConfigureAwait(false);
        telemetry.Verdict("verify", result, final: true, request.GateId, request.LaneId);
        return ProtoMapping.ToWire(result);
    }

    /// <summary>1:N identification.</summary>
    [Authorize(Policy = MatcherPolicies.MatchOrSearch)]
    public override async Task<IdentifyResponse> Identify(IdentifyRequest request, ServerCallContext context)
    {
        var result = await identification.IdentifyAsync(ProtoMapping.ToFace(request.Probe), request.Gallery, request.TopK,
            request.MinScore, CallerIdentity.Actor(context), context.Deadline, context.CancellationToken).ConfigureAwait(false);
        var response = new IdentifyResponse
        {
            Gallery = result.Gallery,
            GallerySize = result.GallerySize,
            ModelId = result.ModelId,
            Threshold = float.IsFinite(result.WatchlistThreshold) ? result.WatchlistThreshold : 0f,
            TransactionId = result.TransactionId,
            SearchMs = (float)result.SearchMs,
        };
        for (var i = 0; i < result.Candidates.Count; i++)
        {
            response.Candidates.Add(new Candidate { SubjectKey = result.Candidates[i].SubjectId, Score = result.Candidates[i].Score, Rank = i + 1 });
        }

        return response;
    }

    /// <summary>A lane's stream of gate sessions: the read loop feeds the session, a writer drains its updates to the lane.</summary>
    [Authorize(Policy = MatcherPolicies.Match)]
    public override async Task GateSession(IAsyncStreamReader<GateSessionRequest> requestStream, IServerStreamWriter<GateSessionResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        var stream = sessions.Start(CallerIdentity.Actor(context), token);
        // Sessions follow one another on a stream: the telemetry labels updates with the lane of the latest open.
        var lane = new StrongBox<Biometrics.Protos.V1.GateSessionOpen?>();
        var writer = DrainAsync(stream, lane, responseStream, context);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await requestStream.MoveNext(token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException)
                {
                    // The lane reset its stream or the connection went (the edge agent ends each traveller's call once
                    // it has the final verdict; Kestrel may report the reset before the call's token is cancelled): a
                    // normal end of the call, not a failure of the service.
                    LogClientClosed(logger, context.Peer, ex.Message);
                    return;
                }

                if (!more) return;
                var message = requestStream.Current;
                if (message.Open is { } open)
                {
                    Volatile.Write(ref lane.Value, open);
                    telemetry.SessionOpened(open.GateId, open.LaneId, open.SessionId);
                }

                try
                {
                    await HandleAsync(stream, message).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException && token.IsCancellationRequested)
                {
                    LogClientClosed(logger, context.Peer, ex.Message);
                    return;
                }
            }
        }
        finally
        {
            // Completes the updates: the writer sends what is queued, then ends before the call does.
            await stream.DisposeAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
    }

    private async Task DrainAsync(Services.GateSessionStream stream, StrongBox<Biometrics.Protos.V1.GateSessionOpen?> lane, IServerStreamWriter<GateSessionResponse> responseStream,
        ServerCallContext context)
    {
        try
        {
            await foreach (var update in stream.Updates.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                var open = Volatile.Read(ref lane.Value);
                telemetry.Verdict("gate_session", update.Result, update.Final, open?.GateId ?? "", open?.LaneId ?? "", update.SessionId);
                await responseStream.WriteAsync(new GateSessionResponse
                {
                    SessionId = update.SessionId,
                    Verdict = ProtoMapping.ToWire(update.Result),
                    Final = update.Final,
                }, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The lane is gone or its stream broke: the read loop ends the call.
            LogClientClosed(logger, context.Peer, ex.Message);
        }
    }

    private static async Task HandleAsync(Services.GateSessionStream stream, GateSessionRequest message)
    {
        switch (message.KindCase)
        {
            case GateSessionRequest.KindOneofCase.Open:
                var o = message.Open;
                await stream.OpenAsync(new Services.GateSessionOpen(o.GateId, o.LaneId, ProtoMapping.ToClaim(o.Claim), o.BudgetMs, o.SessionId)).ConfigureAwait(false);
                break;
            case GateSessionRequest.KindOneofCase.Probe:
                await stream.ProbeAsync(ProtoMapping.ToFace(message.Probe)).ConfigureAwait(false);
                break;
            case GateSessionRequest.KindOneofCase.Cancel:
                stream.Cancel();
                break;
            default:
                throw RpcErrors.ToRpc(MatcherException.Invalid("empty_message", "A GateSessionRequest must carry open, probe or cancel."));
        }
    }

    [LoggerMessage(EventId = 611, Level = LogLevel.Debug, Message = "GateSession from {Peer} ended: the client reset its stream, went away or passed its deadline ({Detail})")]
    private static partial void LogClientClosed(ILogger logger, string peer, string detail);
}
