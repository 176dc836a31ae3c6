using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Grpc;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Services;
using Biometrics.Matcher.Tokens;

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
            var tokens = new BearerTokenService(KeyFiles.Read(keys.TokenSigningKeyFile));
            foreach (var role in new[] { Roles.Gate, Roles.Enrolment, Roles.Operator })
            {
                Assert.True(tokens.TryValidate(File.ReadAllText(keys.TokenFile(role)).Trim(), out var id, out _));
                Assert.Equal(role, id!.Role);
            }

            using var pub = KeyFiles.ReadEcdsaPublicKey(keys.QrIssuerPublicKeyFile);
            Assert.Equal(256, pub.KeySize);
            var before = File.ReadAllText(keys.EncryptionKeyFile);
            DevelopmentKeys.Ensure(dir);
            Assert.Equal(before, File.ReadAllText(keys.EncryptionKeyFile)); // kept, not regenerated
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("/biometrics.v1.Matcher/Verify", "gate")]
    [InlineData("/biometrics.v1.Enrolment/DeleteSubject", "enrolment")]
    [InlineData("/biometrics.v1.Operations/GetStatus", "operator")]
    public void AllowedRoles_Method_OnlyItsRoles(string method, string role) => Assert.Equal([role], AuthInterceptor.AllowedRoles(method)!);

    [Fact]
    public void ReadPairs_DeepfaceCsv_HeaderSkippedLabelsParsed()
    {
        var f = Path.GetTempFileName();
        File.WriteAllText(f, "file_x,file_y,Decision\na.jpg,b.jpg,Yes\nc.jpg,d.jpg,No\n");
        try
        {
            Assert.Equal([("a.jpg", "b.jpg", true), ("c.jpg", "d.jpg", false)], Commands.CalibrateCommand.ReadPairs(f));
        }
        finally
        {
            File.Delete(f);
        }
    }
}
