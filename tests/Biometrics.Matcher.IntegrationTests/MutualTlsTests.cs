using System.Net.Security;
using System.Security.Cryptography;
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
    private static readonly Oid s_clientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid s_serverAuth = new("1.3.6.1.5.5.7.3.1");
    private readonly string _dir = Directory.CreateTempSubdirectory("biometrics-mtls-").FullName;
    private readonly TestCertificates _certs = new();
    private RedisServer _redis = null!;
    private WebApplication _app = null!;
    private int _port;
    private string _serverThumbprint = "";
    private DevelopmentKeys _keys = null!;
    private (X509Certificate2 Cert, ECDsa Key) _ourCa;

    public async Task InitializeAsync()
    {
        _redis = new RedisServer();
        _keys = DevelopmentKeys.Ensure(Path.Combine(_dir, "keys"));
        _ourCa = _certs.Ca("Biometrics Test Client CA");
        var serverCa = _certs.Ca("Biometrics Test Server CA");
        var server = _certs.Leaf("matcher", serverCa, s_serverAuth, server: true);
        _serverThumbprint = server.GetCertHashString();
        File.WriteAllText(Path.Combine(_dir, "server.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "server.key"), server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_dir, "client-ca.pem"), _ourCa.Cert.ExportCertificatePem());

        _port = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Matcher:Url"] = $"https://127.0.0.1:{_port}",
            ["Matcher:Security:DevelopmentMode"] = "false",
            ["Matcher:Security:TlsCertificateFile"] = Path.Combine(_dir, "server.pem"),
            ["Matcher:Security:TlsKeyFile"] = Path.Combine(_dir, "server.key"),
            ["Matcher:Security:RequireClientCertificate"] = "true",
            ["Matcher:Security:ClientCaFile"] = Path.Combine(_dir, "client-ca.pem"),
            ["Matcher:Security:TokenSigningKeyFile"] = _keys.TokenSigningKeyFile,
            ["Matcher:Store:PseudonymisationKeyFile"] = _keys.PseudonymisationKeyFile,
            ["Matcher:Store:EncryptionKeyFile"] = _keys.EncryptionKeyFile,
            ["Matcher:Redis:Configuration"] = _redis.EndPoint,
            ["Matcher:Pipeline:Enabled"] = "false",
            ["Matcher:CalibrationFile"] = Path.Combine(SharedFiles.RepoRoot, "matcher", "Biometrics.Matcher", "calibration.json"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
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
        _certs.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task OwnCaCertificate_Accepted_AndBearerTokensStillApply()
    {
        var client = _certs.Leaf("gate-7", _ourCa, s_clientAuth);
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
                client = _certs.Leaf("gate-x", _certs.Ca("Some Other Private CA"), s_clientAuth);
                break;
            case "same_name_other_key":
                // A CA with our CA's exact name but its own key: names are not trust.
                client = _certs.Leaf("gate-spoof", _certs.Ca("Biometrics Test Client CA"), s_clientAuth);
                break;
            case "public_root_style_chain":
                // A root that is not ours (as any public root is not) with an intermediate, sent as a full chain.
                var root = _certs.Ca("Public-Style Root CA");
                var intermediate = _certs.Ca("Public-Style Issuing CA", root);
                client = _certs.Leaf("gate-public", intermediate, s_clientAuth);
                chain = [intermediate.Cert, root.Cert];
                break;
            case "server_auth_only":
                client = _certs.Leaf("not-a-client", _ourCa, s_serverAuth);
                break;
        }

        using var channel = Channel(client, chain);
        var ex = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), Deadline()).ResponseAsync);
        Assert.True(ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal, ex.ToString());

        // The listener is unharmed: our own client still gets through.
        using var good = Channel(_certs.Leaf("gate-ok", _ourCa, s_clientAuth));
        await new Health.HealthClient(good).CheckAsync(new HealthCheckRequest(), Deadline()).ResponseAsync;
    }

    private GrpcChannel Channel(X509Certificate2? client, X509Certificate2Collection? chain = null)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 c && c.GetCertHashString() == _serverThumbprint,
        };
        if (client is not null) ssl.ClientCertificateContext = SslStreamCertificateContext.Create(client, chain, offline: true);
        return GrpcChannel.ForAddress($"https://127.0.0.1:{_port}", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { SslOptions = ssl } });
    }

    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow.AddSeconds(10));
}
