using Biometrics.Grpc.IntegrationTests.Fixtures;
using Biometrics.Grpc.Interop;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Biometrics.Grpc.IntegrationTests;

/// <summary>Grpc.Net.Client against the Grpc.AspNetCore test server in one process: the interop cases, health, reflection,
/// interceptors, limits, deadlines.</summary>
public sealed class InProcessInteropTests(InProcessServerFixture server) : IClassFixture<InProcessServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in InteropClient.CaseNames) data.Add(c);
        return data;
    }

    private TestService.TestServiceClient Test => new(server.Channel);

    private Health.HealthClient HealthClient => new(server.Channel);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task NetClient_InteropCaseAgainstTestServer_Passes(string name) =>
        new InteropClient(server.Channel).RunAsync(name).WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task HealthCheck_UnknownService_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => HealthClient.CheckAsync(
            new HealthCheckRequest { Service = "nope" }).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task HealthWatch_StatusChanges_StreamsEachChange()
    {
        const string name = "biometrics.test.Watched";
        server.Health.SetStatus(name, ServingStatus.NotServing);
        using var cts = new CancellationTokenSource(Timeout);
        using var call = HealthClient.Watch(new HealthCheckRequest { Service = name }, cancellationToken: cts.Token);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(ServingStatus.NotServing, call.ResponseStream.Current.Status);
        server.Health.SetStatus(name, ServingStatus.Serving);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(ServingStatus.Serving, call.ResponseStream.Current.Status);
        var check = await HealthClient.CheckAsync(new HealthCheckRequest { Service = name }).ResponseAsync.WaitAsync(Timeout);
        Assert.Equal(ServingStatus.Serving, check.Status);
    }

    [Fact]
    public async Task Interceptor_DenyHeader_Unauthenticated()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Test.EmptyCallAsync(new Empty(),
            new CallOptions(new Metadata { { "x-test-deny", "1" } })).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal("denied by test interceptor", ex.Status.Detail);
    }

    [Fact]
    public async Task Interceptor_SetsUser_HandlerAndTrailersSeeIt()
    {
        using var call = Test.EmptyCallAsync(new Empty(), new CallOptions(new Metadata { { "x-test-user", "gate-7" } }));
        await call.ResponseAsync.WaitAsync(Timeout);
        Assert.Equal("gate-7", call.GetTrailers().GetValue("x-test-seen-user"));
        Assert.True(server.Interceptor.Calls > 0);
    }

    [Fact]
    public async Task Handler_UnexpectedException_UnknownWithoutInternals()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Test.EmptyCallAsync(new Empty(),
            new CallOptions(new Metadata { { "x-test-throw", "1" } })).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.DoesNotContain(TestInterceptor.SecretText, ex.Status.Detail, StringComparison.Ordinal);
        await Test.EmptyCallAsync(new Empty()).ResponseAsync.WaitAsync(Timeout);
    }

    [Fact]
    public async Task UnaryCall_RequestOverServerLimit_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxSendMessageSize = null });
        var client = new TestService.TestServiceClient(channel);
        var request = new SimpleRequest { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[5 * 1024 * 1024]) } };
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.UnaryCallAsync(request).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        await client.EmptyCallAsync(new Empty()).ResponseAsync.WaitAsync(Timeout);
    }

    [Fact]
    public async Task UnaryCall_ResponseOverServerLimit_ResourceExhausted()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Test.UnaryCallAsync(
            new SimpleRequest { ResponseSize = 5 * 1024 * 1024 }).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_RequestOverClientLimit_ResourceExhaustedWithoutSending()
    {
        var request = new SimpleRequest { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[5 * 1024 * 1024]) } };
        var ex = await Assert.ThrowsAsync<RpcException>(() => Test.UnaryCallAsync(request).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ServerStreaming_ServerSideDeadline_DeadlineExceeded()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 1, IntervalUs = 5_000_000 });
        using var call = Test.StreamingOutputCall(request, deadline: DateTime.UtcNow.AddMilliseconds(300));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
    }

    [Fact]
    public async Task ManyConcurrentUnaryCalls_AllSucceed()
    {
        var tasks = new Task[300];
        for (var i = 0; i < tasks.Length; i++) tasks[i] = Test.UnaryCallAsync(new SimpleRequest { ResponseSize = 10 }).ResponseAsync;
        await Task.WhenAll(tasks).WaitAsync(Timeout);
    }

    [Fact]
    public async Task UnaryCall_ConnectionRefused_Unavailable()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Biometrics.Testing.FreePort.Next()}");
        var client = new TestService.TestServiceClient(channel);
        var ex = await Assert.ThrowsAsync<RpcException>(() => client.EmptyCallAsync(new Empty()).ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }

    [Fact]
    public async Task ClientDisposesCall_ServerHandlerCancelled()
    {
        var tag = Guid.NewGuid().ToString("N");
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 1, IntervalUs = 20_000_000 });
        var call = Test.StreamingOutputCall(request, new CallOptions(new Metadata { { "x-test-tag", tag } }));
        var until = DateTime.UtcNow + Timeout;
        while (!server.Interceptor.StartedTaggedCalls.ContainsKey(tag) && DateTime.UtcNow < until) await Task.Delay(20);
        await Task.Delay(100); // let the handler reach its wait
        call.Dispose();
        while (!server.Interceptor.EndedTaggedCalls.ContainsKey(tag) && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.True(server.Interceptor.EndedTaggedCalls.TryGetValue(tag, out var cancelled), "the handler did not end after the client reset");
        Assert.True(cancelled);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task UnaryCall_HandlerIgnoresDeadline_ServerStillAnswersDeadlineExceeded()
    {
        // Both sides enforce the deadline here; the raw-HTTP test below checks the server's own status alone.
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        using var call = Test.EmptyCallAsync(new Empty(),
            new CallOptions(new Metadata { { "x-test-ignore-deadline-sleep-ms", "8000" } }, DateTime.UtcNow.AddMilliseconds(300)));
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Timeout));
        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(6), "the call waited for the handler instead of its deadline");
        await Test.EmptyCallAsync(new Empty()).ResponseAsync.WaitAsync(Timeout);
    }

    [Fact]
    public async Task RawUnaryCall_HandlerIgnoresDeadline_ServerSendsDeadlineExceededTrailers()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Address + "/grpc.testing.TestService/EmptyCall")
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/grpc");
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");
        request.Headers.TryAddWithoutValidation("x-test-ignore-deadline-sleep-ms", "8000");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.SendAsync(request).WaitAsync(Timeout);
        await response.Content.ReadAsByteArrayAsync().WaitAsync(Timeout);
        var status = response.Headers.TryGetValues("grpc-status", out var h) ? h.First() : response.TrailingHeaders.GetValues("grpc-status").First();
        Assert.Equal(((int)StatusCode.DeadlineExceeded).ToString(), status);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(6), "the server waited for the handler instead of its deadline");
    }

    [Fact]
    public async Task Reflection_ListServices_NamesTestServiceHealthAndReflection()
    {
        var reflection = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow + Timeout);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }).WaitAsync(Timeout);
        await call.RequestStream.CompleteAsync().WaitAsync(Timeout);
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Timeout));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "grpc.testing.TestService"], names);
    }
}
