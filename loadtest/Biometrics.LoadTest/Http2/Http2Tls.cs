using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Biometrics.LoadTest.Targets;

namespace Biometrics.LoadTest.Http2;

/// <summary>
/// TLS client settings for an <c>https://</c> target: ALPN "h2", the system trust store, or a private CA from a PEM
/// file (<see cref="ConnectionOptions.CaCertificateFile"/>), or no check at all (<see cref="ConnectionOptions.InsecureSkipVerify"/>, tests only).
/// Stateless; thread-safe.
/// </summary>
public static class Http2Tls
{
    /// <summary>A factory of authentication options for <paramref name="options"/>, or null for plain-text (h2c) targets.</summary>
    public static Func<SslClientAuthenticationOptions>? For(ConnectionOptions options)
    {
        if (options.Address.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        var ca = LoadCa(options);
        var host = options.Address.IdnHost;
        var validate = ServerCertificateValidation(options, ca);
        return () => new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = validate,
        };
    }

    /// <summary>
    /// The server certificate check of <paramref name="options"/> (system roots, the <c>--ca</c> file, or none with
    /// <c>--insecure</c>), for the Grpc.Net.Client channel of the streaming calls, so both clients trust the same servers.
    /// </summary>
    public static RemoteCertificateValidationCallback ServerCertificateValidation(ConnectionOptions options) => ServerCertificateValidation(options, LoadCa(options));

    private static RemoteCertificateValidationCallback ServerCertificateValidation(ConnectionOptions options, X509Certificate2Collection? ca)
        => (_, cert, _, errors) => Validate(options.InsecureSkipVerify, ca, cert, errors);

    private static X509Certificate2Collection? LoadCa(ConnectionOptions options)
    {
        if (options.CaCertificateFile is not { } file)
        {
            return null;
        }

        // Certificates only (no key): one CA or a bundle.
        X509Certificate2Collection ca = [];
        ca.ImportFromPemFile(file);
        return ca;
    }

    private static bool Validate(bool insecure, X509Certificate2Collection? ca, X509Certificate? cert, SslPolicyErrors errors)
    {
        if (insecure || errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (ca is null || cert is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }
}
