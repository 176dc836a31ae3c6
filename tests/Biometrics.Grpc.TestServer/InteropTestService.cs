using Biometrics.Grpc.Interop;
using Google.Protobuf;
using Grpc.Core;

namespace Biometrics.Grpc.TestServer;

/// <summary>The server side of the standard interop test cases (grpc.testing.TestService) over the generated base.
/// UnimplementedCall is deliberately not overridden, so that the base answers UNIMPLEMENTED. Stateless and thread-safe.</summary>
public sealed class InteropTestService : TestService.TestServiceBase
{
    public const string EchoInitialKey = "x-grpc-test-echo-initial";
    public const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    private static readonly Empty EmptyResponse = new();

    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context) => Task.FromResult(EmptyResponse);

    public override Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        if (!HasEcho(context))
        {
            ThrowIfStatusRequested(request.ResponseStatus);
            return Task.FromResult(new SimpleResponse { Payload = CreatePayload(request.ResponseSize) });
        }
        return UnaryWithEchoAsync(request, context);
    }

    private static async Task<SimpleResponse> UnaryWithEchoAsync(SimpleRequest request, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        ThrowIfStatusRequested(request.ResponseStatus);
        return new SimpleResponse { Payload = CreatePayload(request.ResponseSize) };
    }

    public override async Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        ThrowIfStatusRequested(request.ResponseStatus);
        foreach (var p in request.ResponseParameters)
        {
            if (p.IntervalUs > 0) await Task.Delay(TimeSpan.FromMicroseconds(p.IntervalUs), context.CancellationToken).ConfigureAwait(false);
            await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = CreatePayload(p.Size) }).ConfigureAwait(false);
        }
    }

    public override async Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context)
    {
        var total = 0;
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            total += requestStream.Current.Payload?.Body.Length ?? 0;
        }
        return new StreamingInputCallResponse { AggregatedPayloadSize = total };
    }

    public override async Task FullDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        await EchoMetadataAsync(context).ConfigureAwait(false);
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = requestStream.Current;
            ThrowIfStatusRequested(request.ResponseStatus);
            foreach (var p in request.ResponseParameters)
            {
                if (p.IntervalUs > 0) await Task.Delay(TimeSpan.FromMicroseconds(p.IntervalUs), context.CancellationToken).ConfigureAwait(false);
                await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = CreatePayload(p.Size) }).ConfigureAwait(false);
            }
        }
    }

    public override async Task HalfDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        var requests = new List<StreamingOutputCallRequest>();
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false)) requests.Add(requestStream.Current);
        foreach (var request in requests)
        {
            foreach (var p in request.ResponseParameters)
            {
                await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = CreatePayload(p.Size) }).ConfigureAwait(false);
            }
        }
    }

    private static bool HasEcho(ServerCallContext context)
    {
        var headers = context.RequestHeaders;
        return headers.Count > 0 && (headers.Get(EchoInitialKey) is not null || headers.Get(EchoTrailingKey) is not null);
    }

    private static async Task EchoMetadataAsync(ServerCallContext context)
    {
        var headers = context.RequestHeaders;
        if (headers.Get(EchoTrailingKey) is { } trailing) context.ResponseTrailers.Add(trailing);
        if (headers.Get(EchoInitialKey) is { } initial)
        {
            await context.WriteResponseHeadersAsync(new Metadata { initial }).ConfigureAwait(false);
        }
    }

    private static void ThrowIfStatusRequested(EchoStatus? status)
    {
        if (status is { Code: not 0 }) throw new RpcException(new Status((StatusCode)status.Code, status.Message));
    }

    private static Payload CreatePayload(int size) => new() { Body = size == 0 ? ByteString.Empty : ByteString.CopyFrom(new byte[size]) };
}
