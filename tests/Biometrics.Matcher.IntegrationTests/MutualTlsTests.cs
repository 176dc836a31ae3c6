using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Biometrics.Protos.V1;
using Biometrics.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using OperationsApi = Biometrics.Protos.V1.Operations;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// Production finding of issue 11: with mutual TLS on, a client certificate from the operator's own CA was refused and
/// no setting named that CA. The matcher runs here the production way (DevelopmentMode=false, TLS, a private CA in
/// Matcher:Security:ClientCaFile): only certificates chaining to that CA, for client authentication, get through.
/// </summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("biometrics-mtls-").FullName;
    private RedisServer _redis = null!;
    private WebApplication _app = null!;
    private int _port;
    private string _serverThumbprint = "";
    private DevelopmentKeys _keys = null!;
    private readonly X509Certificate2 _ourCa = TestCertificates.Authority("Biometrics Test Client CA");

    public async Task InitializeAsync()
    {
        _redis = new RedisServer();
        _keys = DevelopmentKeys.Ensure(Path.Combine(_dir, "keys"));
        var serverCa = TestCertificates.Authority("Biometrics Test Server CA");
        var server = TestCertificates.Server(serverCa);
        _serverThumbprint = server.GetCertHashString();
        var (serverCert, serverKey) = TestCertificates.WritePem(server, _dir, "server");
        var (clientCa, _) = TestCertificates.WritePem(_ourCa, _dir, "client-ca");

        _port = FreePort.Next();
        var settings = MatcherTls.Settings(_port, serverCert, serverKey!, _keys, _redis.EndPoint);
        settings["Matcher:Security:RequireClientCertificate"] = "true";
        settings["Matcher:Security:ClientCaFile"] = clientCa;
        _app = MatcherHost.Build([], c => c.AddInMemoryCollection(settings));
        await _app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await _app.DisposeAsync();
        }

        _redis?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task OwnCaCertificate_Accepted_AndBearerTokensStillApply()
    {
        var client = TestCertificates.Client(_ourCa, "gate-7");
        using var channel = Channel(client);
        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), Deadline()).ResponseAsync;
        Assert.True(health.Status is HealthCheckResponse.Types.ServingStatus.Serving or HealthCheckResponse.Types.ServingStatus.NotServing);

        var operations = new OperationsApi.OperationsClient(channel);
        var token = File.ReadAllText(_keys.TokenFile(ServiceRole.Operator)).Trim();
        var status = await operations.GetStatusAsync(new GetStatusRequest(), new CallOptions(new Metadata { { "authorization", "Bearer " + token } }, DateTime.UtcNow.AddSeconds(10))).ResponseAsync;
        Assert.True(status.StoreAvailable);
        var refused = await Assert.ThrowsAsync<RpcException>(() => operations.GetStatusAsync(new GetStatusRequest(), Deadline()).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode); // a certificate is not a token
    }

    public static TheoryData<string> Refused => new() { "other_ca", "same_name_other_key", "public_root_style_chain", "server_auth_only", "none" };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task ForeignOrMissingCertificate_Refused(string kind)
    {
        X509Certificate2? client = null;
        X509Certificate2Collection? chain = null;
        switch (kind)
        {
            case "other_ca":
                client = TestCertificates.Client(TestCertificates.Authority("Some Other Private CA"), "gate-x");
                break;
            case "same_name_other_key":
                // A CA with our CA's exact name but its own key: names are not trust.
                client = TestCertificates.Client(TestCertificates.Authority("Biometrics Test Client CA"), "gate-spoof");
                break;
            case "public_root_style_chain":
                // A root that is not ours (as any public root is not) with an intermediate, sent as a full chain.
                var root = TestCertificates.Authority("Public-Style Root CA");
                var intermediate = TestCertificates.Authority("Public-Style Issuing CA", root);
                client = TestCertificates.Client(intermediate, "gate-public");
                chain = [intermediate, root];
                break;
            case "server_auth_only":
                client = TestCertificates.Issue(_ourCa, "not-a-client", TestCertificates.ServerAuth);
                break;
        }

        using var channel = Channel(client, chain);
        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), Deadline()).ResponseAsync);
        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, ex.ToString());

        // The listener is unharmed: our own client still gets through.
        using var good = Channel(TestCertificates.Client(_ourCa, "gate-ok"));
        await new Health.HealthClient(good).CheckAsync(new HealthCheckRequest(), Deadline()).ResponseAsync;
    }

    private GrpcChannel Channel(X509Certificate2? client, X509Certificate2Collection? chain = null) =>
        MatcherTls.PinnedChannel(_port, _serverThumbprint, client, chain);

    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow.AddSeconds(10));
}
