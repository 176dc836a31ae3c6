namespace Biometrics.Matcher.Configuration;

/// <summary>Authentication and transport security.</summary>
public sealed class SecuritySettings
{
    /// <summary>INSECURE development mode: plain-text HTTP/2 allowed, missing keys are generated into
    /// <see cref="KeysDirectory"/>, calibration may be absent. Logged loudly at start. Never in production.</summary>
    public bool DevelopmentMode { get; set; }

    /// <summary>Where development keys and tokens are generated (development mode).</summary>
    public string KeysDirectory { get; set; } = ".data/keys";

    /// <summary>File with the HMAC-SHA256 key (32+ bytes, raw or base64) that signs bearer tokens.</summary>
    public string? TokenSigningKeyFile { get; set; }

    /// <summary>Key id (<c>kid</c>) that bearer tokens signed with <see cref="TokenSigningKeyFile"/> carry (docs/POLICY.md section 6).</summary>
    public string TokenSigningKeyId { get; set; } = DefaultTokenSigningKeyId;

    /// <summary>The default <see cref="TokenSigningKeyId"/>, also the key id of the development tokens.</summary>
    public const string DefaultTokenSigningKeyId = "matcher";

    /// <summary>Trusted QR token issuers: issuer name to a PEM file holding its ECDSA P-256 public key.</summary>
    public Dictionary<string, string> QrIssuers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Server certificate for TLS: a PEM certificate (with <see cref="TlsKeyFile"/>) or a PFX file.</summary>
    public string? TlsCertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="TlsCertificateFile"/> (PEM certificates only).</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>Require client certificates (mutual TLS) in addition to bearer tokens; they must chain to
    /// <see cref="ClientCaFile"/>.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>PEM file with the CA certificate(s) that client certificates must chain to (mutual TLS). Only these
    /// are trusted for clients: never the system roots. Required when <see cref="RequireClientCertificate"/> is set.</summary>
    public string? ClientCaFile { get; set; }
}
