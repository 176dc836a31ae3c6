using System.Security.Cryptography.X509Certificates;

namespace Biometrics.Grpc;

/// <summary>What the transport knows about the caller: whether TLS authenticated it, and its client certificate.
/// Application identity (roles from a bearer token or certificate) goes in <see cref="ServerCallContext.User"/>.</summary>
public sealed class AuthContext
{
    /// <summary>Creates an auth context.</summary>
    public AuthContext(X509Certificate2? clientCertificate) => ClientCertificate = clientCertificate;

    /// <summary>The validated TLS client certificate, or null (plain text, or TLS without a client certificate).</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>True when the peer presented a client certificate accepted by the TLS handshake.</summary>
    public bool IsPeerAuthenticated => ClientCertificate is not null;

    /// <summary>The subject of the client certificate, or null.</summary>
    public string? PeerIdentity => ClientCertificate?.Subject;
}
