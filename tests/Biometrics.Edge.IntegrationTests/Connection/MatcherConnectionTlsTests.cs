using System.Security.Cryptography.X509Certificates;
using Biometrics.Edge.Connection;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Testing;

namespace Biometrics.Edge.IntegrationTests.Connection;

/// <summary>
/// The edge's channel over TLS against the scripted matcher on Kestrel: the matcher's certificate is trusted when it
/// chains to the CA given with <c>--ca</c> and only then (not another CA, not the system store, not for another host
/// name), and with mutual TLS the gate's client certificate is presented and required.
/// </summary>
[Collection(GateCollection.Name)] // not beside the timing-sensitive lane tests
public sealed class MatcherConnectionTlsTests : IDisposable
{
    private static readonly TimeSpan s_checkTimeout = TimeSpan.FromSeconds(10);
    private readonly TestPki _pki = new();
    private readonly X509Certificate2 _ca = TestCertificates.Authority("Biometrics Test Root");
    private readonly X509Certificate2 _otherCa = TestCertificates.Authority("Some Other Root");

    public void Dispose()
    {
        _pki.Dispose();
        _ca.Dispose();
        _otherCa.Dispose();
    }

    private async Task<(bool Up, string? Error)> CheckAsync(FakeMatcher matcher, MatcherConnectionOptions options)
    {
        options.Address = matcher.Address;
        options.ConnectTimeout = TimeSpan.FromSeconds(5);
        using var connection = new MatcherConnection(options);
        var up = await connection.CheckAsync(s_checkTimeout, CancellationToken.None).WaitAsync(2 * s_checkTimeout);
        return (up, connection.LastError);
    }

    [Fact]
    public async Task CheckAsync_ServerCertificateFromConfiguredCa_Up()
    {
        await using var matcher = new FakeMatcher(new FakeMatcherTls(TestCertificates.Server(_ca)));
        await matcher.StartAsync();

        var (up, error) = await CheckAsync(matcher, new MatcherConnectionOptions { CaFile = _pki.Write(_ca, "ca").Certificate });

        Assert.True(up, error);
        Assert.StartsWith("https://", matcher.Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ServerCertificateFromAnotherCa_Refused()
    {
        await using var matcher = new FakeMatcher(new FakeMatcherTls(TestCertificates.Server(_otherCa)));
        await matcher.StartAsync();

        var (up, error) = await CheckAsync(matcher, new MatcherConnectionOptions { CaFile = _pki.Write(_ca, "ca").Certificate });

        Assert.False(up);
        Assert.Contains("SSL connection could not be established", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_PrivateCaServerWithoutCaFile_RefusedBySystemStore()
    {
        await using var matcher = new FakeMatcher(new FakeMatcherTls(TestCertificates.Server(_ca)));
        await matcher.StartAsync();

        var (up, error) = await CheckAsync(matcher, new MatcherConnectionOptions());

        Assert.False(up);
        Assert.Contains("SSL connection could not be established", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ServerCertificateForAnotherName_Refused()
    {
        await using var matcher = new FakeMatcher(new FakeMatcherTls(TestCertificates.Server(_ca, "matcher.elsewhere.example")));
        await matcher.StartAsync();

        var (up, error) = await CheckAsync(matcher, new MatcherConnectionOptions { CaFile = _pki.Write(_ca, "ca").Certificate });

        Assert.False(up);
        Assert.Contains("SSL connection could not be established", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_MutualTlsWithGateCertificate_UpAndCertificatePresented()
    {
        var tls = new FakeMatcherTls(TestCertificates.Server(_ca), clientAuthority: _ca);
        await using var matcher = new FakeMatcher(tls);
        await matcher.StartAsync();
        var (cert, key) = _pki.Write(TestCertificates.Client(_ca, "gate-7-lane-3"), "client");

        var (up, error) = await CheckAsync(matcher, new MatcherConnectionOptions
        {
            CaFile = _pki.Write(_ca, "ca").Certificate,
            ClientCertificateFile = cert,
            ClientKeyFile = key,
        });

        Assert.True(up, error);
        Assert.Contains("CN=gate-7-lane-3", tls.ClientCertificates);
    }

    [Fact]
    public async Task CheckAsync_MutualTlsWithoutClientCertificate_Refused()
    {
        var tls = new FakeMatcherTls(TestCertificates.Server(_ca), clientAuthority: _ca);
        await using var matcher = new FakeMatcher(tls);
        await matcher.StartAsync();

        var (up, _) = await CheckAsync(matcher, new MatcherConnectionOptions { CaFile = _pki.Write(_ca, "ca").Certificate });

        Assert.False(up);
        Assert.Empty(tls.ClientCertificates);
    }

    [Fact]
    public async Task CheckAsync_MutualTlsWithCertificateFromAnotherCa_Refused()
    {
        var tls = new FakeMatcherTls(TestCertificates.Server(_ca), clientAuthority: _ca);
        await using var matcher = new FakeMatcher(tls);
        await matcher.StartAsync();
        var (cert, key) = _pki.Write(TestCertificates.Client(_otherCa, "intruder"), "intruder");

        var (up, _) = await CheckAsync(matcher, new MatcherConnectionOptions
        {
            CaFile = _pki.Write(_ca, "ca").Certificate,
            ClientCertificateFile = cert,
            ClientKeyFile = key,
        });

        Assert.False(up);
        Assert.Empty(tls.ClientCertificates);
    }
}
