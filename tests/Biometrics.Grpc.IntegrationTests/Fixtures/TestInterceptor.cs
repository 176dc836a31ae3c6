using System.Collections.Concurrent;
using System.Security.Claims;
using Grpc.Core.Interceptors;

namespace Biometrics.Grpc.IntegrationTests.Fixtures;

/// <summary>An authentication-style server interceptor for tests: <c>x-test-deny</c> ends the call with UNAUTHENTICATED,
/// <c>x-test-throw</c> throws an unexpected exception, <c>x-test-user</c> sets the call's <see cref="ClaimsPrincipal"/>
/// (echoed back in the <c>x-test-seen-user</c> trailer; a TLS client certificate subject in <c>x-test-peer</c>). Counts
/// calls and records the last status. Registered as a singleton, so grpc-dotnet uses this one instance.</summary>
public sealed class TestInterceptor : Interceptor
{
    public const string SecretText = "secret internals 42";
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public StatusCode? LastStatus { get; private set; }

    /// <summary>Calls tagged with <c>x-test-tag</c>, with whether their cancellation token had fired when they ended.</summary>
    public ConcurrentDictionary<string, bool> EndedTaggedCalls { get; } = new();

    /// <summary>Tags of calls that have reached the interceptor.</summary>
    public ConcurrentDictionary<string, bool> StartedTaggedCalls { get; } = new();

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response = default!;
        await InterceptAsync(context, async () => response = await continuation(request, context).ConfigureAwait(false)).ConfigureAwait(false);
        return response;
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        TResponse response = default!;
        await InterceptAsync(context, async () => response = await continuation(requestStream, context).ConfigureAwait(false)).ConfigureAwait(false);
        return response;
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        InterceptAsync(context, () => continuation(request, responseStream, context));

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        InterceptAsync(context, () => continuation(requestStream, responseStream, context));

    private async Task InterceptAsync(ServerCallContext context, Func<Task> continuation)
    {
        Interlocked.Increment(ref _calls);
        var headers = context.RequestHeaders;
        var http = context.GetHttpContext();
        if (headers.Get("x-test-deny") is not null) throw new RpcException(new Status(StatusCode.Unauthenticated, "denied by test interceptor"));
        if (headers.Get("x-test-throw") is not null) throw new InvalidOperationException(SecretText);
        if (headers.GetValue("x-test-ignore-deadline-sleep-ms") is { } sleep)
        {
            // A handler that ignores its cancellation token.
            await Task.Delay(int.Parse(sleep, System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }
        if (headers.GetValue("x-test-user") is { } user)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user), new Claim(ClaimTypes.Role, "gate")], "test"));
        }
        if (headers.GetValue("x-test-tag") is { } startTag) StartedTaggedCalls[startTag] = true;
        try
        {
            await continuation().ConfigureAwait(false);
        }
        finally
        {
            if (headers.GetValue("x-test-tag") is { } tag) EndedTaggedCalls[tag] = context.CancellationToken.IsCancellationRequested;
        }
        if (http.User.Identity?.IsAuthenticated == true) context.ResponseTrailers.Add("x-test-seen-user", http.User.Identity.Name ?? "");
        if (context.AuthContext.IsPeerAuthenticated) context.ResponseTrailers.Add("x-test-peer", http.Connection.ClientCertificate?.Subject ?? "");
        LastStatus = context.Status.StatusCode;
    }
}
