using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Store;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Tests;

/// <summary>Issue 12: the store-key and token-key messages did not name the configuration keys to set.</summary>
public sealed class ConfigurationMessageTests
{
    [Fact]
    public void Build_NoStoreKeys_MessagesNameTheMatcherStoreKeys()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => MatcherHost.Build(["--Matcher:Url=https://127.0.0.1:50443", "--Matcher:Pipeline:Enabled=false"]));
        Assert.Contains(ex.Failures, f => f.StartsWith("Matcher:Store:PseudonymisationKeyFile or Matcher:Store:PseudonymisationKeyBase64 or the environment variable BIOMETRICS_PSEUDONYMISATION_KEY:", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Matcher:Store:EncryptionKeyFile or Matcher:Store:EncryptionKeyBase64 or the environment variable BIOMETRICS_TEMPLATE_ENCRYPTION_KEY:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ShortStoreKeyFile_NamesTheKeyAndLength()
    {
        using var files = new TempFiles();
        var shortKey = Path.Combine(files.Dir, "short.key");
        File.WriteAllText(shortKey, Convert.ToBase64String(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()));
        var o = new TemplateStoreOptions { PseudonymisationKeyFile = files.Key, EncryptionKeyFile = shortKey };
        var result = new TemplateStoreOptionsValidator("Matcher:Store:").Validate(null, o);
        Assert.Equal(["Matcher:Store:EncryptionKeyFile: the encryption key must be 32 bytes, not 16."], result.Failures);
    }

    [Fact]
    public void Validate_ShortTokenKeyOrBadIssuerKey_NamesTheSetting()
    {
        using var files = new TempFiles();
        var shortKey = Path.Combine(files.Dir, "token.key");
        File.WriteAllText(shortKey, "too short\n");
        var badPem = Path.Combine(files.Dir, "issuer.pub.pem");
        File.WriteAllText(badPem, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        var options = new MatcherOptions();
        options.Security.DevelopmentMode = true;
        options.Security.TokenSigningKeyFile = shortKey;
        options.Security.QrIssuers["partner"] = badPem;
        var failures = new MatcherOptionsValidator().Validate(null, options).Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith($"Matcher:Security:TokenSigningKeyFile '{shortKey}': the token signing key has 10 bytes", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith($"Matcher:Security:QrIssuers:partner '{badPem}':", StringComparison.Ordinal));
    }
}
