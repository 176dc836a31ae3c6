using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Grpc;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Security;

namespace Biometrics.Matcher.Tests;

public sealed class HostConfigurationTests
{
    [Fact]
    public void Validate_PlainTextWithoutDevelopmentMode_FailsWithClearMessage()
    {
        var result = new MatcherOptionsValidator().Validate(null, new MatcherOptions());
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("DevelopmentMode", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("TokenSigningKeyFile", StringComparison.Ordinal));
    }

    [Fact]
    public void MatchingOptions_OutOfRange_Listed()
    {
        var errors = new MatchingOptions { DefaultGallery = "Bad Name", DefaultSessionBudgetMs = 5 }.Check();
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void DevelopmentKeys_Ensure_CreatesKeysAndValidRoleTokens()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bio-devkeys-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var keys = DevelopmentKeys.Ensure(dir);
            var tokens = new BearerTokenValidator(new Dictionary<string, byte[]> { [SecuritySettings.DefaultTokenSigningKeyId] = KeyMaterial.ReadKeyFile(keys.TokenSigningKeyFile) });
            foreach (var role in (ServiceRole[])[ServiceRole.Gate, ServiceRole.Enrolment, ServiceRole.Operator])
            {
                var r = tokens.Validate(File.ReadAllText(keys.TokenFile(role)).Trim());
                Assert.True(r.IsValid, r.Message);
                Assert.Equal(role, r.Claims!.Role);
                Assert.Equal(role == ServiceRole.Gate ? "dev-gate" : null, r.Claims.GateId);
            }

            using var pub = KeyMaterial.LoadEcPublicKey(keys.QrIssuerPublicKeyFile);
            Assert.Equal(256, pub.KeySize);
            using var qrIssuer = keys.CreateQrIssuer();
            using var qr = new QrTokenValidator(new Dictionary<string, System.Security.Cryptography.ECDsa> { [DevelopmentKeys.QrIssuer] = KeyMaterial.LoadEcPublicKey(keys.QrIssuerPublicKeyFile) });
            Assert.True(qr.Validate(qrIssuer.Issue("subject-1", TimeSpan.FromMinutes(1))).IsValid);
            var before = File.ReadAllText(keys.EncryptionKeyFile);
            DevelopmentKeys.Ensure(dir);
            Assert.Equal(before, File.ReadAllText(keys.EncryptionKeyFile)); // kept, not regenerated
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DevelopmentKeys_StaleOrOtherKeyIdTokens_Reissued()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bio-devkeys-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var keys = DevelopmentKeys.Ensure(dir);
            File.WriteAllText(keys.TokenFile(ServiceRole.Gate), "bt1.old-format.token\n");
            keys = DevelopmentKeys.Ensure(dir, tokenKeyId: "rotated");
            var tokens = new BearerTokenValidator(new Dictionary<string, byte[]> { ["rotated"] = KeyMaterial.ReadKeyFile(keys.TokenSigningKeyFile) });
            foreach (var role in (ServiceRole[])[ServiceRole.Gate, ServiceRole.Enrolment, ServiceRole.Operator])
            {
                var r = tokens.Validate(File.ReadAllText(keys.TokenFile(role)).Trim());
                Assert.True(r.IsValid, r.Message);
                Assert.Equal("rotated", r.Claims!.KeyId);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("/biometrics.v1.Matcher/Verify", ServiceRole.Gate)]
    [InlineData("/biometrics.v1.Matcher/GateSession", ServiceRole.Gate)]
    [InlineData("/biometrics.v1.Enrolment/Enrol", ServiceRole.Enrolment)]
    [InlineData("/biometrics.v1.Enrolment/DeleteSubject", ServiceRole.Enrolment)]
    [InlineData("/biometrics.v1.Operations/GetStatus", ServiceRole.Operator)]
    [InlineData("/biometrics.v1.MatcherPeer/SearchPart", ServiceRole.Operator)]
    public void AllowedRoles_Method_OnlyItsRoles(string method, ServiceRole role) => Assert.Equal([role], MatcherPolicies.AllowedRolesOf(method)!);

    [Theory]
    [InlineData("/biometrics.v1.Matcher/Identify", ServiceRole.Gate, ServiceRole.Operator)]
    [InlineData("/biometrics.v1.Enrolment/GetSubject", ServiceRole.Enrolment, ServiceRole.Operator)]
    public void AllowedRoles_SharedMethod_BothRoles(string method, ServiceRole first, ServiceRole second) =>
        Assert.Equal([first, second], MatcherPolicies.AllowedRolesOf(method)!);

    [Fact]
    public void AllowedRoles_HealthOrUnknownMethod_NoTokenNeeded()
    {
        Assert.Null(MatcherPolicies.AllowedRolesOf("/grpc.health.v1.Health/Check"));
        Assert.Null(MatcherPolicies.AllowedRolesOf("/biometrics.v1.Matcher/Nope"));
    }
}
