using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Xunit.Abstractions;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using EnrolmentApi = Biometrics.Protos.V1.Enrolment;
using MatcherApi = Biometrics.Protos.V1.Matcher;
using OperationsApi = Biometrics.Protos.V1.Operations;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>The real stack (Grpc.AspNetCore) against malformed or hostile input: answers come at once, with a fixed or
/// short sanitised message, never UNKNOWN, and the replica keeps serving (health SERVING after each case).</summary>
[Collection(MatcherCollection.Name)]
public sealed class ProtocolCornerTests(MatcherFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task HealthCheck_MultiMebibyteServiceName_NotFoundAtOnceWithShortMessage()
    {
        var name = new string('x', 4 * 1024 * 1024);
        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RpcException>(() => fx.A.Health.CheckAsync(new HealthCheckRequest { Service = name }, Deadline(10)).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.True(ex.Status.Detail.Length <= 256, $"{ex.Status.Detail.Length} characters");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.ElapsedMilliseconds} ms");
        await AssertServingAsync();
    }

    [Fact]
    public async Task Identify_HugeInvalidGalleryName_InvalidArgumentWithShortExcerpt()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => fx.A.Matcher.IdentifyAsync(
            new IdentifyRequest { Probe = Vectors.Probe(Vectors.Random(31)), Gallery = new string('G', 2 * 1024 * 1024) + "\n\u0001" }, fx.A.As("operator")).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.StartsWith("gallery_name: ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.True(ex.Status.Detail.Length <= 128, ex.Status.Detail);
        Assert.Equal("gallery_name", ex.Trailers.GetValue("biometrics-reason"));
        await AssertServingAsync();
    }

    [Fact]
    public async Task Verify_HugeUnknownSubjectId_FixedMessage()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => fx.A.Matcher.VerifyAsync(
            new VerifyRequest { Claim = new Claim { SubjectId = new string('s', 1024 * 1024) }, Probe = Vectors.Probe(Vectors.Random(32)) }, fx.A.As("gate")).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.DoesNotContain("sssss", ex.Status.Detail, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<RpcException>(() => fx.A.Matcher.VerifyAsync(
            new VerifyRequest { Claim = new Claim { SubjectId = "not-enrolled-anywhere" }, Probe = Vectors.Probe(Vectors.Random(32)) }, fx.A.As("gate")).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.DoesNotContain("not-enrolled-anywhere", ex.Status.Detail, StringComparison.Ordinal);
        await AssertServingAsync();
    }

    [Theory]
    [InlineData("missing", StatusCode.Unauthenticated, "missing_token")]
    [InlineData("bad", StatusCode.Unauthenticated, "bad_token")]
    [InlineData("huge", StatusCode.Unauthenticated, "bad_token")]
    [InlineData("role", StatusCode.PermissionDenied, "role")]
    public async Task Refusal_ReasonInTrailerAndMessage(string kind, StatusCode code, string reason)
    {
        var headers = kind switch
        {
            "missing" => new Metadata(),
            "bad" => new Metadata { { "authorization", "Bearer bt1.AAAA.BBBB" } },
            "huge" => new Metadata { { "authorization", "Bearer " + new string('A', 12 * 1024) } },
            _ => new Metadata { { "authorization", "Bearer " + fx.A.Token("enrolment") } },
        };
        var ex = await Assert.ThrowsAsync<RpcException>(() => fx.A.Matcher.VerifyAsync(new VerifyRequest(), new CallOptions(headers, DateTime.UtcNow.AddSeconds(10))).ResponseAsync);
        Assert.Equal(code, ex.StatusCode);
        Assert.StartsWith(reason + ": ", ex.Status.Detail, StringComparison.Ordinal);
        Assert.True(ex.Status.Detail.Length <= 256, ex.Status.Detail);
        Assert.Equal(reason, ex.Trailers.GetValue("biometrics-reason"));
        if (kind == "role")
        {
            Assert.Equal("role: Role 'enrolment' may not call /biometrics.v1.Matcher/Verify; allowed: gate.", ex.Status.Detail);
        }

        await AssertServingAsync();
    }

    [Theory]
    [InlineData(8 * 1024)]
    [InlineData(64 * 1024)]
    [InlineData(1024 * 1024)]
    public async Task Call_OversizedHeaderValue_RefusedWithoutUnknownOrHang(int size)
    {
        var headers = new Metadata { { "authorization", "Bearer " + fx.A.Token("gate") }, { "x-filler", new string('h', size) } };
        var sw = Stopwatch.StartNew();
        try
        {
            var v = await fx.A.Matcher.VerifyAsync(GoodVerify(), new CallOptions(headers, DateTime.UtcNow.AddSeconds(10))).ResponseAsync;
            Assert.True(size <= 16 * 1024, $"a {size}-byte header value was accepted"); // within Kestrel's limits it is an ordinary call
            Assert.Equal(Decision.Accept, v.Decision);
        }
        catch (RpcException ex)
        {
            output.WriteLine($"{size}-byte header value: {ex.StatusCode} {ex.Status.Detail}");
            Assert.NotEqual(StatusCode.Unknown, ex.StatusCode);
            Assert.NotEqual(StatusCode.DeadlineExceeded, ex.StatusCode);
            Assert.True(ex.Status.Detail.Length <= 1024, $"{ex.Status.Detail.Length} characters");
        }

        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.ElapsedMilliseconds} ms");
        await AssertServingAsync();
    }

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(4 * 1024 * 1024)]
    public async Task RawClient_HeaderBeyondServerLimit_StreamOrConnectionRefusedAtOnce(int size)
    {
        // Grpc.Net.Client will not send such a header list (the server advertises its limit); a raw client can.
        var sw = Stopwatch.StartNew();
        var outcome = await RawHttp2.SendAsync(fx.A.Port, "/biometrics.v1.Matcher/Verify",
            [("authorization", "Bearer " + fx.A.Token("gate")), ("x-filler", new string('h', size))], [0, 0, 0, 0, 0], TimeSpan.FromSeconds(10));
        output.WriteLine($"{size}-byte header value: {outcome} after {sw.ElapsedMilliseconds} ms");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.ElapsedMilliseconds} ms");
        // Some answer (response headers, RST_STREAM, GOAWAY or close), not silence until the timeout (which throws).
        Assert.True(outcome.GoAwayError is not null || outcome.ResetError is not null || outcome.GotHeaders || outcome.ConnectionClosed, outcome.ToString());
        await AssertServingAsync();
    }

    public static TheoryData<string> GarbageBodies => new() { "garbage", "truncated_frame", "compressed_without_encoding", "huge_declared_length", "wrong_wire_type" };

    [Theory]
    [MemberData(nameof(GarbageBodies))]
    public async Task Verify_GarbageProtobuf_InternalOrInvalidArgumentNeverUnknownOrHang(string kind)
    {
        byte[] payload = kind switch
        {
            "wrong_wire_type" => [0x0A, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], // claim (field 1, bytes) holding an invalid nested message
            _ => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x07, 0xFF],
        };
        var frame = new byte[5 + payload.Length];
        frame[0] = kind == "compressed_without_encoding" ? (byte)1 : (byte)0;
        var declared = kind switch
        {
            "truncated_frame" => payload.Length + 100,
            "huge_declared_length" => int.MaxValue,
            _ => payload.Length,
        };
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), declared);
        payload.CopyTo(frame, 5);

        using var http = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, fx.A.Address + "/biometrics.v1.Matcher/Verify")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("authorization", "Bearer " + fx.A.Token("gate"));
        var sw = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"took {sw.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = Header(response, "grpc-status");
        if (kind == "huge_declared_length")
        {
            // Not a parse failure but a size violation: RESOURCE_EXHAUSTED before anything is read.
            Assert.True(status == "8", $"grpc-status {status}: {Header(response, "grpc-message")}");
        }
        else
        {
            Assert.True(status is "13" or "3", $"grpc-status {status}: {Header(response, "grpc-message")}");
            Assert.True((Header(response, "grpc-message") ?? "").Length <= 256);
        }
        await AssertServingAsync();
    }

    [Fact]
    public async Task Reflection_StandardClient_ListsTheThreeServicesAndDescribesThem()
    {
        var client = new ServerReflection.ServerReflectionClient(fx.A.Channel);
        using var call = client.ServerReflectionInfo(Deadline(10));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains(MatcherApi.Descriptor.FullName, names);
        Assert.Contains(EnrolmentApi.Descriptor.FullName, names);
        Assert.Contains(OperationsApi.Descriptor.FullName, names);
        Assert.Contains(Health.Descriptor.FullName, names);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = MatcherApi.Descriptor.FullName });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotEmpty(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }

    private VerifyRequest GoodVerify()
    {
        var v = Vectors.Random(77);
        return new VerifyRequest { Claim = new Claim { ReferenceTemplate = Vectors.Embedding(v) }, Probe = Vectors.Probe(Vectors.Near(v, 3, 0.2f)) };
    }

    private static CallOptions Deadline(double seconds) => new(deadline: DateTime.UtcNow.AddSeconds(seconds));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
        : response.Headers.TryGetValues(name, out var h) ? h.First()
        : null;

    private async Task AssertServingAsync()
    {
        var health = await fx.A.Health.CheckAsync(new HealthCheckRequest(), Deadline(10)).ResponseAsync;
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        var ok = await fx.A.Matcher.VerifyAsync(GoodVerify(), fx.A.As("gate")).ResponseAsync;
        Assert.Equal(Decision.Accept, ok.Decision);
    }
}
