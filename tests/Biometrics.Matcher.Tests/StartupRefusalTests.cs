using System.Diagnostics;
using Biometrics.Matcher.Commands;
using Biometrics.Matcher.Hosting;
using Microsoft.Extensions.Options;

namespace Biometrics.Matcher.Tests;

/// <summary>Production finding of issue 11: <c>--Matcher:Url=https://...</c> without a certificate aborted the process with an
/// unhandled exception from Kestrel's listener set-up, and the store keys were reported only after a second attempt.
/// Every problem must be listed at once, before anything is set up, and the process must exit 2.</summary>
public sealed class StartupRefusalTests
{
    private static readonly string s_missing = Path.Combine(Path.GetTempPath(), "biometrics-no-such-dir-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Build_HttpsWithNothingConfigured_EveryProblemListedInOneException()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => MatcherHost.Build(
            ["--Matcher:Url=https://127.0.0.1:50443", "--Matcher:CalibrationFile=" + Path.Combine(s_missing, "calibration.json")]));
        var failures = ex.Failures.ToList();
        Assert.Contains(failures, f => f.Contains("TlsCertificateFile is not set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("TokenSigningKeyFile is not set", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("pseudonymisation key", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("encryption key", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("CalibrationFile", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_UnreadableCertificateAndMutualTlsWithoutCa_ListedNotThrownByKestrel()
    {
        var dir = Directory.CreateTempSubdirectory("biometrics-badtls-").FullName;
        try
        {
            var keys = DevelopmentKeys.Ensure(Path.Combine(dir, "keys"));
            var cert = Path.Combine(dir, "server.pem");
            var key = Path.Combine(dir, "server.key");
            File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
            File.WriteAllText(key, "garbage");
            string[] args =
            [
                "--Matcher:Url=https://127.0.0.1:50443", "--Matcher:Security:TlsCertificateFile=" + cert, "--Matcher:Security:TlsKeyFile=" + key,
                "--Matcher:Security:TokenSigningKeyFile=" + keys.TokenSigningKeyFile, "--Matcher:Store:PseudonymisationKeyFile=" + keys.PseudonymisationKeyFile,
                "--Matcher:Store:EncryptionKeyFile=" + keys.EncryptionKeyFile, "--Matcher:Pipeline:Enabled=false",
            ];
            var ex = Assert.Throws<OptionsValidationException>(() => MatcherHost.Build(args));
            Assert.Contains(ex.Failures, f => f.Contains("TlsCertificateFile", StringComparison.Ordinal) && f.Contains("could not be loaded", StringComparison.Ordinal));

            ex = Assert.Throws<OptionsValidationException>(() => MatcherHost.Build([.. args, "--Matcher:Security:RequireClientCertificate=true"]));
            Assert.Contains(ex.Failures, f => f.Contains("ClientCaFile", StringComparison.Ordinal) && f.Contains("not set", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Build_UnreadableCertificateAndNoKeys_CertificateListedWithTheOtherProblems()
    {
        var dir = Directory.CreateTempSubdirectory("biometrics-badtls-").FullName;
        try
        {
            var cert = Path.Combine(dir, "server.pem");
            File.WriteAllText(cert, "not a certificate");
            var ex = Assert.Throws<OptionsValidationException>(() => MatcherHost.Build(
                ["--Matcher:Url=https://127.0.0.1:50443", "--Matcher:Security:TlsCertificateFile=" + cert,
                 "--Matcher:CalibrationFile=" + Path.Combine(s_missing, "calibration.json")]));
            Assert.Contains(ex.Failures, f => f.Contains("TlsCertificateFile", StringComparison.Ordinal) && f.Contains("could not be loaded", StringComparison.Ordinal));
            Assert.Contains(ex.Failures, f => f.Contains("TokenSigningKeyFile is not set", StringComparison.Ordinal));
            Assert.Contains(ex.Failures, f => f.Contains("CalibrationFile", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Process_HttpsWithoutCertificate_ExitsTwoWithTheWholeList()
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Biometrics.Matcher.dll"));
        psi.ArgumentList.Add("--Matcher:Url=https://127.0.0.1:50443");
        psi.ArgumentList.Add("--Matcher:CalibrationFile=" + Path.Combine(s_missing, "calibration.json"));
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("Matcher__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("BIOMETRICS_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(k);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;
        Assert.True(p.ExitCode == 2, $"exit {p.ExitCode}: {output}");
        Assert.Contains("Invalid configuration:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        foreach (var expected in (string[])["TlsCertificateFile", "TokenSigningKeyFile", "pseudonymisation key", "encryption key", "CalibrationFile"])
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Serve_CudaOnTheCpuOnlyBuild_ExitsAtStartupSayingSo()
    {
        if (Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            return; // a -p:OnnxGpu=true build: whether CUDA starts depends on the host
        }

        var keys = Directory.CreateTempSubdirectory("biometrics-cuda-").FullName;
        try
        {
            var (code, _, error) = await CliRun.RunAsync("serve", "--Matcher:Security:DevelopmentMode=true", "--Matcher:Security:KeysDirectory=" + keys,
                $"--Matcher:Redis:Configuration=127.0.0.1:{Biometrics.Testing.FreePort.Next()}", $"--Matcher:Url=http://127.0.0.1:{Biometrics.Testing.FreePort.Next()}",
                "--Matcher:Pipeline:ExecutionProvider=Cuda");
            Assert.Equal(ExitCodes.Failed, code);
            Assert.Contains("CUDA execution provider was configured", error, StringComparison.Ordinal);
            Assert.Contains("no silent CPU fallback", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
