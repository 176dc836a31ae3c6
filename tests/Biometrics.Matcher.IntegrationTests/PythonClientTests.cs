using System.Diagnostics;
using System.Text.Json;
using Biometrics.Testing;

namespace Biometrics.Matcher.IntegrationTests;

[Collection(MatcherCollection.Name)]
public sealed class PythonClientTests(MatcherFixture fx)
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public async Task PythonGrpcioClient_HealthAndVerify_Succeed()
    {
        var stubs = Path.Combine(Path.GetTempPath(), "biometrics-pystubs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(stubs);
        try
        {
            var protos = Path.Combine(SharedFiles.RepoRoot, "protos");
            // health.proto is compiled under another module path (healthcheck/) so it does not shadow grpcio's 'grpc'
            // package; its proto package (grpc.health.v1) and so the method path stay the standard ones.
            var healthSrc = Path.Combine(stubs, "src", "healthcheck");
            Directory.CreateDirectory(healthSrc);
            File.Copy(Path.Combine(protos, "grpc", "health", "v1", "health.proto"), Path.Combine(healthSrc, "health.proto"));
            var (code, output) = await RunAsync(Python, ["-m", "grpc_tools.protoc", "-I", protos, "-I", Path.Combine(stubs, "src"), "--python_out", stubs,
                "biometrics/v1/common.proto", "biometrics/v1/matcher.proto", "healthcheck/health.proto"]);
            Assert.True(code == 0, "protoc failed: " + output);
            var script = Path.Combine(AppContext.BaseDirectory, "python", "verify_client.py");
            (code, output) = await RunAsync(Python, [script, stubs, $"127.0.0.1:{fx.A.Port}", fx.A.Token("gate"), Vectors.ModelId]);
            Assert.True(code == 0, "client failed: " + output);
            using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            Assert.Equal("SERVING", json.RootElement.GetProperty("health").GetString());
            Assert.Equal("ACCEPT", json.RootElement.GetProperty("decision").GetString());
            Assert.Equal("match", json.RootElement.GetProperty("reason").GetString());
        }
        finally
        {
            Directory.Delete(stubs, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            p.Kill();
            throw;
        }

        return (p.ExitCode, await stdout + await stderr);
    }
}
