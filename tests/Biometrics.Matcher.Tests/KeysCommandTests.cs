using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;

namespace Biometrics.Matcher.Tests;

/// <summary>Issue 12: <c>keys</c> did not say what it created or kept nor when tokens expire; there was no way to mint a
/// development QR token, nor a bearer token outside development mode, nor a production key procedure.</summary>
public sealed class KeysCommandTests
{
    private static readonly string[] DevFiles =
    [
        "pseudonymisation.key", "template-encryption.key", "token-signing.key", "qr-issuer-dev.pem", "qr-issuer-dev.pub.pem",
        "gate.token", "enrolment.token", "operator.token",
    ];

    [Fact]
    public async Task Keys_FreshThenAgain_ReportsEachFileCreatedThenKeptWithTokenExpiry()
    {
        using var files = new TempFiles();
        var dir = Path.Combine(files.Dir, "keys");
        var (code, output, error) = await CliRun.RunAsync("keys", "--dir", dir);
        Assert.True(code == 0, output + error);
        foreach (var f in DevFiles) Assert.Matches($@"\n  created +{Regex.Escape(f)} ", output);
        Assert.Matches(@"gate\.token +role gate, subject dev-gate, gate dev-gate, key id matcher, expires \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 30 days\)", output);

        (code, output, error) = await CliRun.RunAsync("keys", "--dir", dir);
        Assert.True(code == 0, output + error);
        foreach (var f in DevFiles) Assert.Matches($@"\n  kept +{Regex.Escape(f)} ", output);

        File.Delete(Path.Combine(dir, "operator.token"));
        (_, output, _) = await CliRun.RunAsync("keys", "--dir", dir, "--key-id", "k2");
        Assert.Matches(@"\n  created +operator\.token +role operator, subject dev-operator, key id k2", output);
        Assert.Matches(@"\n  replaced gate\.token ", output); // the key id changed: the old tokens no longer validate
        Assert.Matches(@"\n  kept +token-signing\.key ", output);
    }

    [Fact]
    public async Task KeysQr_Subject_MintsATokenTheDevIssuerKeyValidates()
    {
        using var files = new TempFiles();
        var dir = Path.Combine(files.Dir, "keys");
        Assert.Equal(0, (await CliRun.RunAsync("keys", "--dir", dir)).Code);

        var (code, output, error) = await CliRun.RunAsync("keys", "qr", "--subject", "P1234567", "--dir", dir, "--ttl", "2h");
        Assert.True(code == 0, output + error);
        var token = output.Trim();
        Assert.DoesNotContain('\n', token); // alone on standard output: $(...) captures exactly the token
        Assert.Contains("expires", error, StringComparison.Ordinal);
        using var validator = new QrTokenValidator(new Dictionary<string, ECDsa> { [DevelopmentKeys.QrIssuer] = KeyMaterial.LoadEcPublicKey(Path.Combine(dir, "qr-issuer-dev.pub.pem")) });
        var result = validator.Validate(token);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(("dev", "P1234567", 7200L), (result.Payload!.Issuer, result.Payload.SubjectId, result.Payload.ExpiresAt - result.Payload.IssuedAt));
    }

    [Fact]
    public async Task KeysQr_NoKeysYet_ExitsTwoSayingWhatToRun()
    {
        using var files = new TempFiles();
        var (code, _, error) = await CliRun.RunAsync("keys", "qr", "--subject", "P1", "--dir", Path.Combine(files.Dir, "none"));
        Assert.Equal(2, code);
        Assert.Contains("biometrics-matcher keys", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gate", "gate-7")]
    [InlineData("enrolment", null)]
    [InlineData("operator", null)]
    public async Task KeysToken_RoleAndKeyFile_MintsATokenThatKeyValidates(string role, string? gate)
    {
        using var files = new TempFiles();
        string[] args = ["keys", "token", "--role", role, "--key-file", files.Key, "--key-id", "prod-2026", "--subject", "desk-3", "--ttl", "12h"];
        var (code, output, error) = await CliRun.RunAsync(gate is null ? args : [.. args, "--gate", gate]);
        Assert.True(code == 0, output + error);
        var validator = new BearerTokenValidator(new Dictionary<string, byte[]> { ["prod-2026"] = KeyMaterial.ReadKeyFile(files.Key) }, TimeSpan.Zero);
        var result = validator.Validate(output.Trim());
        Assert.True(result.IsValid, result.Message);
        Assert.True(RolePolicy.TryParse(role, out var expected));
        Assert.Equal((expected, "desk-3", gate, 43_200L), (result.Claims!.Role, result.Claims.Subject, result.Claims.GateId, result.Claims.ExpiresAt - result.Claims.IssuedAt));
        Assert.Contains("expires", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysToken_ShortKey_ExitsTwo()
    {
        using var files = new TempFiles();
        File.WriteAllText(files.Key, Convert.ToBase64String(new byte[16]));
        var (code, _, error) = await CliRun.RunAsync("keys", "token", "--role", "gate", "--key-file", files.Key, "--subject", "g");
        Assert.Equal(2, code);
        Assert.Contains("--key-file", error, StringComparison.Ordinal);
    }
}
