using System.Text.Json;
using Biometrics.Testing;

namespace Biometrics.Grpc.IntegrationTests.Fixtures;

/// <summary>Starts our test server as a process, runs the python3-grpcio interop client against it once (all cases),
/// and keeps each case's result for the per-case tests.</summary>
public sealed class PythonClientRunFixture : IAsyncLifetime
{
    private readonly Dictionary<string, (bool Ok, string Detail)> _results = new(StringComparer.Ordinal);

    public string Output { get; private set; } = "";

    public (bool Ok, string Detail)? Result(string name) => _results.TryGetValue(name, out var r) ? r : null;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var genDir = InteropPaths.NewGenDir();
        using var server = new ChildProcess("dotnet", [InteropPaths.TestServerDll, "--urls", $"http://127.0.0.1:{port}"]);
        try
        {
            await server.WaitForLineAsync(l => l.Contains("Now listening", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            using var client = new ChildProcess(InteropPaths.Python,
                [Path.Combine(InteropPaths.InteropDir, "interop_client.py"), "--server", $"127.0.0.1:{port}", "--gen-dir", genDir],
                InteropPaths.InteropDir);
            await client.WaitForExitAsync(TimeSpan.FromMinutes(3));
            await Task.Delay(200); // let the output readers drain
            Output = string.Join("\n", client.Lines) + "\n--- server ---\n" + string.Join("\n", server.Lines);
            foreach (var line in client.Lines.Where(l => l.StartsWith('{')))
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                _results[root.GetProperty("case").GetString()!] = (root.GetProperty("ok").GetBoolean(), root.GetProperty("detail").GetString() ?? "");
            }
            Assert.False(server.HasExited, "the server under test died:\n" + Output);
        }
        finally
        {
            Directory.Delete(genDir, recursive: true);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
