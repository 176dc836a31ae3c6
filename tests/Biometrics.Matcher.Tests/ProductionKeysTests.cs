using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Biometrics.Matcher.Configuration;
using Biometrics.Matcher.Hosting;
using Biometrics.Matcher.Security;
using Biometrics.Matcher.Store;
using Biometrics.Testing;

namespace Biometrics.Matcher.Tests;

/// <summary>Issue 12: operators found no procedure for the production keys and no tool to mint bearer tokens outside
/// development mode.</summary>
public sealed partial class ProductionKeysTests
{
    /// <summary>The production procedure of docs/SECURITY.md, run as written: its keys load, the store accepts them, and
    /// tokens minted with them validate.</summary>
    [Fact]
    public async Task ProductionProcedure_DocumentedCommands_KeysLoadAndTokensValidate()
    {
        var doc = File.ReadAllText(Path.Combine(SharedFiles.RepoRoot, "docs", "SECURITY.md"));
        var script = ProcedureBlock().Match(doc);
        Assert.True(script.Success, "docs/SECURITY.md has no ```sh block with the production key commands");
        using var files = new TempFiles();
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = files.Dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-euo");
        psi.ArgumentList.Add("pipefail");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script.Groups[1].Value);
        psi.Environment["KEYS"] = Path.Combine(files.Dir, "prod-keys");
        psi.Environment["ISSUER"] = "border-authority";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(p.ExitCode == 0, await stdout + await stderr);

        var keys = Path.Combine(files.Dir, "prod-keys");
        var store = new TemplateStoreOptions { PseudonymisationKeyFile = Path.Combine(keys, "pseudonymisation.key"), EncryptionKeyFile = Path.Combine(keys, "template-encryption.key") };
        var storeResult = new TemplateStoreOptionsValidator().Validate(null, store);
        Assert.True(storeResult.Succeeded, storeResult.FailureMessage);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var f in Directory.GetFiles(keys).Where(f => !f.EndsWith(".pub.pem", StringComparison.Ordinal)))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)); // secrets are owner-only
            }
        }

        var signing = Path.Combine(keys, "token-signing.key");
        var (code, output, error) = await CliRun.RunAsync("keys", "token", "--role", "gate", "--key-file", signing, "--subject", "gate-agent-1", "--gate", "G1");
        Assert.True(code == 0, output + error);
        var bearer = new BearerTokenValidator(new Dictionary<string, byte[]> { [SecuritySettings.DefaultTokenSigningKeyId] = KeyMaterial.ReadKeyFile(signing) }, TimeSpan.Zero);
        Assert.True(bearer.Validate(output.Trim()).IsValid);

        (code, output, error) = await CliRun.RunAsync("keys", "qr", "--subject", "P7", "--issuer", "border-authority", "--key-file", Path.Combine(keys, "qr-issuer-border-authority.pem"));
        Assert.True(code == 0, output + error);
        using var qr = new QrTokenValidator(new Dictionary<string, ECDsa> { ["border-authority"] = KeyMaterial.LoadEcPublicKey(Path.Combine(keys, "qr-issuer-border-authority.pub.pem")) });
        Assert.True(qr.Validate(output.Trim()).IsValid);
    }

    // The block after the "production-keys" marker in docs/SECURITY.md.
    [GeneratedRegex(@"<!-- production-keys -->\s*```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ProcedureBlock();
}
