using Biometrics.Matcher.Store;
using static Biometrics.Matcher.Store.IntegrationTests.StoreTestSupport;

namespace Biometrics.Matcher.Store.IntegrationTests;

public sealed class TemplateStoreOptionsTests
{
    [Fact]
    public void Validate_NoKeys_ThrowsNamingBothKeys()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new TemplateStoreOptions().Validate());
        Assert.Contains("pseudonymisation key", ex.Message);
        Assert.Contains("encryption key", ex.Message);
    }

    [Fact]
    public void Validate_ShortEncryptionKey_Throws()
    {
        var o = Options(encryptionKey: Convert.ToBase64String(new byte[16] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }));
        Assert.Contains("must be 32 bytes", Assert.Throws<InvalidOperationException>(o.Validate).Message);
    }

    [Fact]
    public void Validate_SameKeyTwice_Throws()
    {
        var key = NewKey();
        Assert.Contains("must differ", Assert.Throws<InvalidOperationException>(Options(key, key).Validate).Message);
    }

    [Fact]
    public void Validate_FileAndBase64Both_Throws()
    {
        var o = Options();
        o.EncryptionKeyFile = "/nonexistent";
        Assert.Contains("exactly one", Assert.Throws<InvalidOperationException>(o.Validate).Message);
    }

    [Fact]
    public void Validate_KeysFromFiles_RawAndBase64TextAccepted()
    {
        var dir = Directory.CreateTempSubdirectory("store-keys");
        try
        {
            var raw = Path.Combine(dir.FullName, "enc.key");
            File.WriteAllBytes(raw, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            var text = Path.Combine(dir.FullName, "pseudo.key");
            File.WriteAllText(text, NewKey() + "\n");
            var o = new TemplateStoreOptions { EncryptionKeyFile = raw, PseudonymisationKeyFile = text };
            o.Validate();
            new TemplateStoreOptionsValidator().Validate(null, o).Failed.ToString();
            Assert.True(new TemplateStoreOptionsValidator().Validate(null, o).Succeeded);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Validate_MissingFile_ReportsUnreadableKey()
    {
        var o = new TemplateStoreOptions { EncryptionKeyFile = "/nonexistent/key", PseudonymisationKeyBase64 = NewKey() };
        Assert.Contains("could not be read", Assert.Throws<InvalidOperationException>(o.Validate).Message);
    }

    [Fact]
    public void ApplyEnvironment_VariablesSet_FillsBase64Keys()
    {
        var p = NewKey();
        var e = NewKey();
        Environment.SetEnvironmentVariable(TemplateStoreOptions.PseudonymisationKeyVariable, p);
        Environment.SetEnvironmentVariable(TemplateStoreOptions.EncryptionKeyVariable, e);
        try
        {
            var o = new TemplateStoreOptions().ApplyEnvironment();
            Assert.Equal(p, o.PseudonymisationKeyBase64);
            Assert.Equal(e, o.EncryptionKeyBase64);
            o.Validate();
        }
        finally
        {
            Environment.SetEnvironmentVariable(TemplateStoreOptions.PseudonymisationKeyVariable, null);
            Environment.SetEnvironmentVariable(TemplateStoreOptions.EncryptionKeyVariable, null);
        }
    }
}
