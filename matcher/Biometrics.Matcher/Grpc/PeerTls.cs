using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Hosting;

namespace Biometrics.Matcher.Grpc;

/// <summary>
/// Mutual TLS between split matchers (docs/SECURITY.md, "Between split matchers"): the client certificate a matcher
/// presents when it asks a holder for its part (<c>Matcher:Split:PeerCertificateFile</c>), and the matchers' CA
/// (<c>Matcher:Split:PeerCaFile</c>) that a holder's server certificate and an asking matcher's client certificate must
/// both chain to (nothing else is trusted: never the system roots). Thread-safe.
/// </summary>
public sealed class PeerTls
{
    private static readonly Oid s_serverAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private readonly ClientCertificateValidator _clients;
    private readonly ClientCertificateValidator _servers;
    private readonly SslStreamCertificateContext _own;

    // Per connection the client certificate object is one instance: its chain is built once, not per call.
    private readonly ConditionalWeakTable<X509Certificate2, object> _checked = new();

    /// <summary>Uses <paramref name="certificate"/> (with its private key) as this matcher's client certificate and
    /// trusts exactly <paramref name="roots"/> for its peers.</summary>
    public PeerTls(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        _clients = new ClientCertificateValidator(roots);
        _servers = new ClientCertificateValidator(roots, s_serverAuthentication);
        _own = SslStreamCertificateContext.Create(certificate, null, offline: true);
    }

    /// <summary>Loads the certificate (PEM with <paramref name="keyFile"/>, or PFX) and the CA file; every problem is
    /// added to <paramref name="problems"/> naming its setting.</summary>
    public static PeerTls? Load(string certificateFile, string? keyFile, string caFile, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        X509Certificate2? certificate = null;
        try
        {
            certificate = string.IsNullOrEmpty(keyFile)
                ? X509CertificateLoader.LoadPkcs12FromFile(certificateFile, null)
                : X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            if (!certificate.HasPrivateKey) problems.Add($"Matcher:Split:PeerCertificateFile '{certificateFile}' has no private key (set Matcher:Split:PeerKeyFile).");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
        {
            problems.Add($"Matcher:Split:PeerCertificateFile '{certificateFile}' could not be loaded: {ex.Message}");
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
            if (roots.Count == 0) problems.Add($"Matcher:Split:PeerCaFile '{caFile}' holds no certificate.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            problems.Add($"Matcher:Split:PeerCaFile '{caFile}' could not be loaded: {ex.Message}");
        }

        if (certificate is null || !certificate.HasPrivateKey || roots.Count == 0) return null;
        var tls = new PeerTls(certificate, roots);
        if (!tls._clients.Validate(certificate, null))
        {
            problems.Add($"Matcher:Split:PeerCertificateFile '{certificateFile}' does not chain to Matcher:Split:PeerCaFile or does not allow client authentication: the holders would refuse it.");
            return null;
        }

        return tls;
    }

    /// <summary>True when <paramref name="certificate"/> (a connection's client certificate) is a matcher's: it chains
    /// to the matchers' CA and allows client authentication.</summary>
    public bool IsPeer(X509Certificate2? certificate)
    {
        if (certificate is null) return false;
        if (_checked.TryGetValue(certificate, out _)) return true;
        if (!_clients.Validate(certificate, null)) return false;
        _checked.AddOrUpdate(certificate, this);
        return true;
    }

    /// <summary>The TLS options of a channel to a holder: this matcher's client certificate, and the holder's server
    /// certificate checked against the matchers' CA and the holder's address.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        ClientCertificateContext = _own,
        RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsPeerServer(certificate, errors),
    };

    private bool IsPeerServer(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false; // no certificate, or one for another name
        }

        using var leaf = new X509Certificate2(certificate);
        return _servers.Validate(leaf, null);
    }
}
