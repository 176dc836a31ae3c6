using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Biometrics.Matcher.Hosting;

/// <summary>
/// Mutual TLS (docs/SECURITY.md, "Mutual TLS"): a client certificate is accepted only when it chains to one of the
/// operator's CA certificates (<c>Matcher:Security:ClientCaFile</c>) and may be used for client authentication. The
/// system roots are never consulted, so a certificate from any other CA, public or private, is refused. Revocation is
/// not checked (no CRL or OCSP is reachable from the gate network) and nothing is downloaded. Thread-safe.
/// </summary>
public sealed class ClientCertificateValidator
{
    private static readonly Oid s_clientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");
    private readonly X509Certificate2Collection _roots;
    private readonly Oid _usage;

    /// <summary>Trusts exactly <paramref name="roots"/>; a certificate must allow <paramref name="usage"/> (client
    /// authentication unless given: the split matchers check a holder's server certificate with the same rules).</summary>
    public ClientCertificateValidator(X509Certificate2Collection roots, Oid? usage = null)
    {
        if (roots.Count == 0) throw new InvalidDataException("no CA certificate");
        _roots = roots;
        _usage = usage ?? s_clientAuthentication;
    }

    /// <summary>Reads the CA certificates of a PEM file.</summary>
    /// <exception cref="InvalidDataException">The file holds no certificate.</exception>
    public static ClientCertificateValidator FromPemFile(string path)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(path);
        return new ClientCertificateValidator(roots);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to a configured CA (intermediates the client sent are
    /// used as such, never as trust anchors).</summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.AddRange(_roots);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(_usage);
        if (presented is not null)
        {
            for (var i = 1; i < presented.ChainElements.Count; i++) policy.ExtraStore.Add(presented.ChainElements[i].Certificate);
        }

        return chain.Build(certificate);
    }
}
