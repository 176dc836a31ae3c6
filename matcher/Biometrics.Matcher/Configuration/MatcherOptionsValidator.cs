using System.Security.Cryptography;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Configuration;

/// <summary>Checks <see cref="MatcherOptions"/> at start and lists every problem in one message.</summary>
public sealed class MatcherOptionsValidator : IValidateOptions<MatcherOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MatcherOptions o)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https") || url.Port <= 0)
        {
            errors.Add($"Matcher:Url '{o.Url}' must be http://host:port or https://host:port.");
        }
        else
        {
            if (o.HealthPort is < 0 or > 65535 || (o.HealthPort != 0 && o.HealthPort == url.Port))
            {
                errors.Add($"Matcher:HealthPort {o.HealthPort} must be 0 (none) or a port from 1 to 65535 other than Matcher:Url's.");
            }

            var tls = url.Scheme == "https";
            if (!tls && !o.Security.DevelopmentMode)
            {
                errors.Add("Matcher:Url is plain text (http://) but Matcher:Security:DevelopmentMode is false: use https:// with Matcher:Security:TlsCertificateFile, or turn the (insecure) development mode on.");
            }

            if (tls && string.IsNullOrEmpty(o.Security.TlsCertificateFile))
            {
                errors.Add("Matcher:Url is https:// but Matcher:Security:TlsCertificateFile is not set.");
            }
        }

        if (o.Security.TlsCertificateFile is { Length: > 0 } cert && !File.Exists(cert)) errors.Add($"Matcher:Security:TlsCertificateFile '{cert}' does not exist.");
        if (o.Security.TlsKeyFile is { Length: > 0 } key && !File.Exists(key)) errors.Add($"Matcher:Security:TlsKeyFile '{key}' does not exist.");
        if (o.Security.RequireClientCertificate)
        {
            if (url is not null && url.Scheme != "https") errors.Add("Matcher:Security:RequireClientCertificate needs an https:// Matcher:Url.");
            if (string.IsNullOrEmpty(o.Security.ClientCaFile))
            {
                errors.Add("Matcher:Security:RequireClientCertificate is true but Matcher:Security:ClientCaFile (the PEM CA that client certificates must chain to) is not set.");
            }
        }

        if (o.Security.ClientCaFile is { Length: > 0 } ca && !File.Exists(ca)) errors.Add($"Matcher:Security:ClientCaFile '{ca}' does not exist.");
        if (string.IsNullOrEmpty(o.Security.TokenSigningKeyFile))
        {
            errors.Add("Matcher:Security:TokenSigningKeyFile is not set (bearer tokens cannot be checked).");
        }
        else if (!File.Exists(o.Security.TokenSigningKeyFile))
        {
            errors.Add($"Matcher:Security:TokenSigningKeyFile '{o.Security.TokenSigningKeyFile}' does not exist.");
        }
        else
        {
            CheckTokenKey(errors, o.Security.TokenSigningKeyFile);
        }

        if (string.IsNullOrWhiteSpace(o.Security.TokenSigningKeyId) || o.Security.TokenSigningKeyId.Length > 64)
        {
            errors.Add("Matcher:Security:TokenSigningKeyId must be 1..64 characters (the kid of the bearer tokens).");
        }

        foreach (var (issuer, path) in o.Security.QrIssuers)
        {
            if (!File.Exists(path))
            {
                errors.Add($"Matcher:Security:QrIssuers:{issuer} '{path}' does not exist.");
                continue;
            }

            try
            {
                using var issuerKey = KeyMaterial.LoadEcPublicKey(path);
            }
            catch (CryptographicException ex)
            {
                errors.Add($"Matcher:Security:QrIssuers:{issuer} '{path}': {ex.Message}");
            }
        }

        try
        {
            Hosting.StoreConnections.Configure(o.Redis, new Store.TemplateStoreOptions(), "check");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            errors.Add($"Matcher:Redis:Configuration '{o.Redis.Configuration}' is invalid: {ex.Message}");
        }

        errors.AddRange(o.Checkpoint.Check());
        errors.AddRange(o.Split.Check(o.Security.DevelopmentMode, url?.Scheme == "https"));
        if (o.Redis.CommandTimeoutMs is < 10 or > 60_000) errors.Add("Matcher:Redis:CommandTimeoutMs must be 10..60000.");
        if (o.Redis.ConnectTimeoutMs is < 10 or > 60_000) errors.Add("Matcher:Redis:ConnectTimeoutMs must be 10..60000.");
        if (o.Pipeline.MaxConcurrency is < 1 or > 64) errors.Add("Matcher:Pipeline:MaxConcurrency must be 1..64.");
        if (o.Pipeline.IntraOpThreads is < 1 or > 64) errors.Add("Matcher:Pipeline:IntraOpThreads must be 1..64.");
        if (o.MaxReceiveMessageBytes is < 64 * 1024 or > 256 * 1024 * 1024) errors.Add("Matcher:MaxReceiveMessageBytes must be 64 KiB..256 MiB.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckTokenKey(List<string> errors, string file)
    {
        byte[] key;
        try
        {
            key = KeyMaterial.ReadKeyFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"Matcher:Security:TokenSigningKeyFile '{file}' could not be read: {ex.Message}");
            return;
        }

        if (key.Length < BearerToken.MinKeyBytes)
        {
            errors.Add($"Matcher:Security:TokenSigningKeyFile '{file}': the token signing key has {key.Length} bytes; at least {BearerToken.MinKeyBytes} are required (random bytes, raw or base64; docs/SECURITY.md).");
        }
    }
}
