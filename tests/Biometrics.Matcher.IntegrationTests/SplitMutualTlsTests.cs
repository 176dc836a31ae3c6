using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Store;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using GalleryRegistry = Biometrics.Matcher.Services.GalleryRegistry;
using MatcherApi = Biometrics.Protos.V1.Matcher;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// Mutual TLS between split matchers (docs/SECURITY.md, "Between split matchers"): two real matchers run the production
/// way (no development mode, TLS, certificates made here by a test CA of the matchers) as parts 0 and 1 of a split over
/// one real redis-server. Identify through either gives the right answer; <c>SearchPart</c> is refused to a caller
/// without a client certificate (UNAUTHENTICATED <c>peer_certificate</c>) or with one from another CA (the handshake
/// fails), even with an operator token; a matcher whose peer certificate is not from the matchers' CA gets no part
/// (UNAVAILABLE <c>part_unavailable</c>).
/// </summary>
public sealed class SplitMutualTlsTests : IAsyncLifetime
{
    private const int Subjects = 200;
    private readonly string _dir = Directory.CreateTempSubdirectory("biometrics-split-mtls-").FullName;
    private readonly List<WebApplication> _apps = [];
    private readonly int[] _ports = [FreePort.Next(), FreePort.Next()];
    private RedisServer _redis = null!;
    private DevelopmentKeys _keys = null!;
    private readonly X509Certificate2 _matchersCa = TestCertificates.Authority("Biometrics Test Matchers CA");
    private readonly X509Certificate2 _otherCa = TestCertificates.Authority("Some Other CA");
    private string _serverCert = "", _serverKey = "", _serverThumbprint = "";

    public async Task InitializeAsync()
    {
        _redis = new RedisServer();
        _keys = DevelopmentKeys.Ensure(Path.Combine(_dir, "keys"));
        var server = TestCertificates.Server(_matchersCa);
        _serverThumbprint = server.GetCertHashString();
        (_serverCert, _serverKey) = Write(server, "server");
        Write(_matchersCa, "matchers-ca");
        Write(_otherCa, "other-ca");
        File.WriteAllText(Path.Combine(_dir, "both-ca.pem"), _matchersCa.ExportCertificatePem() + "\n" + _otherCa.ExportCertificatePem());

        for (var part = 0; part < 2; part++)
        {
            var (cert, key) = Write(TestCertificates.Client(_matchersCa, "matcher-part-" + part), "peer-" + part);
            _apps.Add(await StartAsync(part, _ports[part], cert, key, Path.Combine(_dir, "matchers-ca.pem")));
        }

        var store = _apps[0].Services.GetRequiredService<ITemplateStore>();
        var records = Enumerable.Range(0, Subjects).Select(i => new TemplateRecord($"mtls-{i}", Vectors.Random(60_000 + i), Vectors.ModelId, 0.9f,
            DateTimeOffset.UtcNow, ["residents"])).ToList();
        await store.UpsertManyAsync(records).WaitAsync(TimeSpan.FromSeconds(60));
        for (var until = DateTime.UtcNow.AddSeconds(30); Held(0) + Held(1) < Subjects; await Task.Delay(20))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the split matchers did not follow the seeded templates within 30 s");
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }

        _redis?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Identify_ThroughEitherSplitMatcherOverMutualTls_FindsTheSubjectOfEitherPart()
    {
        Assert.True(Held(0) > 0 && Held(1) > 0, "both parts hold residents");
        var store = _apps[0].Services.GetRequiredService<ITemplateStore>();
        foreach (var port in _ports)
        {
            using var channel = Channel(port, null);
            var matcher = new MatcherApi.MatcherClient(channel);
            foreach (var i in new[] { 3, 77, 150 })
            {
                var r = await matcher.IdentifyAsync(new IdentifyRequest { Probe = Vectors.Probe(Vectors.Random(60_000 + i)), Gallery = "residents", TopK = 3 },
                    As(ServiceRole.Operator)).ResponseAsync;
                Assert.Equal(Subjects, r.GallerySize);
                Assert.Equal(store.GetSubjectKey($"mtls-{i}").Hex, r.Candidates[0].SubjectKey);
                Assert.True(r.Candidates[0].Score > 0.999f);
            }
        }
    }

    [Fact]
    public async Task SearchPart_WithoutClientCertificate_UnauthenticatedEvenWithOperatorToken()
    {
        using var channel = Channel(_ports[1], null);
        var ex = await Assert.ThrowsAsync<RpcException>(() => new MatcherPeer.MatcherPeerClient(channel).SearchPartAsync(PartRequest(1), As(ServiceRole.Operator)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.StartsWith("peer_certificate", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("no client certificate", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("peer_certificate", ex.Trailers.GetValue("biometrics-reason"));
    }

    [Fact]
    public async Task SearchPart_ClientCertificateOfAnotherCa_HandshakeRefused_OfTheMatchersCa_Answered()
    {
        using (var foreign = Channel(_ports[1], TestCertificates.Client(_otherCa, "intruder")))
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => new MatcherPeer.MatcherPeerClient(foreign).SearchPartAsync(PartRequest(1), As(ServiceRole.Operator)).ResponseAsync);
            Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, ex.ToString());
        }

        using var peer = Channel(_ports[1], TestCertificates.Client(_matchersCa, "matcher-part-0"));
        var client = new MatcherPeer.MatcherPeerClient(peer);
        var answer = await client.SearchPartAsync(PartRequest(1), As(ServiceRole.Operator)).ResponseAsync;
        Assert.Equal(SearchPartResponse.Types.Status.Searched, answer.Status);
        Assert.Equal(Held(1), answer.PartSize);
        // The certificate is not a token: the role rules still apply.
        var gate = await Assert.ThrowsAsync<RpcException>(() => client.SearchPartAsync(PartRequest(1), As(ServiceRole.Gate)).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, gate.StatusCode);
    }

    [Theory]
    [InlineData("both-ca.pem")]
    [InlineData("other-ca.pem")]
    public async Task Identify_MatcherWhosePeerCertificateIsOfAnotherCa_PartUnavailable(string trusts)
    {
        // A third holder of part 0 whose peer certificate is from another CA. It trusts that CA too (so it starts and
        // trusts the holders), or that CA only (so it cannot trust the holders' server certificates either).
        var (cert, key) = Write(TestCertificates.Client(_otherCa, "matcher-rogue"), "rogue");
        var port = FreePort.Next();
        var app = await StartAsync(0, port, cert, key, Path.Combine(_dir, trusts));
        try
        {
            using var channel = Channel(port, null);
            var ex = await Assert.ThrowsAsync<RpcException>(() => new MatcherApi.MatcherClient(channel).IdentifyAsync(
                new IdentifyRequest { Probe = Vectors.Probe(Vectors.Random(60_003)), Gallery = "residents", TopK = 3 }, As(ServiceRole.Operator, 10)).ResponseAsync);
            Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
            Assert.StartsWith("part_unavailable", ex.Status.Detail, StringComparison.Ordinal);
            Assert.Contains("part 1 ", ex.Status.Detail, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await app.DisposeAsync();
        }
    }

    private int Held(int part) => _apps[part].Services.GetRequiredService<GalleryRegistry>().Describe().FirstOrDefault(g => g.Name == "residents").Count;

    private async Task<WebApplication> StartAsync(int part, int port, string peerCert, string peerKey, string peerCa)
    {
        var settings = MatcherTls.Settings(port, _serverCert, _serverKey, _keys, _redis.EndPoint);
        settings["Matcher:Split:Parts"] = "2";
        settings["Matcher:Split:Part"] = part.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[$"Matcher:Split:Holders:{1 - part}"] = $"https://127.0.0.1:{_ports[1 - part]}";
        settings["Matcher:Split:PeerCertificateFile"] = peerCert;
        settings["Matcher:Split:PeerKeyFile"] = peerKey;
        settings["Matcher:Split:PeerCaFile"] = peerCa;
        var app = MatcherHost.Build([], c => c.AddInMemoryCollection(settings));
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        using var channel = Channel(port, null);
        var health = new Health.HealthClient(channel);
        for (var until = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(50))
        {
            var r = await health.CheckAsync(new HealthCheckRequest(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(5))).ResponseAsync;
            if (r.Status == HealthCheckResponse.Types.ServingStatus.Serving) return app;
            if (DateTime.UtcNow > until) throw new TimeoutException($"matcher on {port} did not become SERVING within 30 s");
        }
    }

    private static SearchPartRequest PartRequest(int part) =>
        new() { Probe = Vectors.Embedding(Vectors.Random(5)), Gallery = "residents", TopK = 5, Parts = 2, Part = part };

    private CallOptions As(ServiceRole role, double seconds = 30) =>
        new(new Metadata { { "authorization", "Bearer " + File.ReadAllText(_keys.TokenFile(role)).Trim() } }, DateTime.UtcNow.AddSeconds(seconds));

    private GrpcChannel Channel(int port, X509Certificate2? client) => MatcherTls.PinnedChannel(port, _serverThumbprint, client);

    private (string Cert, string Key) Write(X509Certificate2 certificate, string name)
    {
        var (cert, key) = TestCertificates.WritePem(certificate, _dir, name);
        return (cert, key ?? "");
    }
}
