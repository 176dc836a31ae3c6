using System.Security.Cryptography.X509Certificates;
using Biometrics.Matcher.Hosting;
using Biometrics.Testing;

namespace Biometrics.Matcher.Tests;

/// <summary>The mutual-TLS rule itself (docs/SECURITY.md): only chains to the configured CA, for client authentication.</summary>
public sealed class ClientCertificateValidatorTests
{
    [Fact]
    public void Validate_OnlyTheConfiguredCaForClientAuthentication()
    {
        var ours = TestCertificates.Authority("Our CA");
        var validator = new ClientCertificateValidator([ours]);
        Assert.True(validator.Validate(TestCertificates.Client(ours, "client"), null));
        Assert.False(validator.Validate(TestCertificates.Issue(ours, "client", TestCertificates.ServerAuth), null));
        Assert.False(validator.Validate(TestCertificates.Client(TestCertificates.Authority("Other CA"), "client"), null));
        Assert.False(validator.Validate(TestCertificates.Client(TestCertificates.Authority("Our CA"), "client"), null)); // same name, other key

        var root = TestCertificates.Authority("Public-Style Root");
        var intermediate = TestCertificates.Authority("Public-Style Issuing CA", root);
        var leaf = TestCertificates.Client(intermediate, "client");
        using var presented = new X509Chain();
        presented.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        presented.ChainPolicy.CustomTrustStore.Add(root);
        presented.ChainPolicy.ExtraStore.Add(intermediate);
        presented.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(presented.Build(leaf)); // a valid chain to its own root...
        Assert.False(validator.Validate(leaf, presented)); // ...which is not ours
        Assert.True(new ClientCertificateValidator([root]).Validate(leaf, presented)); // intermediates sent by the client are used
    }

    [Fact]
    public void FromPemFile_NoCertificate_Throws()
    {
        var f = Path.GetTempFileName();
        try
        {
            File.WriteAllText(f, "nothing here\n");
            Assert.Throws<InvalidDataException>(() => ClientCertificateValidator.FromPemFile(f));
        }
        finally
        {
            File.Delete(f);
        }
    }
}
