using Biometrics.Testing;

namespace Biometrics.Grpc.IntegrationTests.Fixtures;

/// <summary>The interop TestService served by Debian's python3-grpcio in a child process.</summary>
public sealed class PythonServerFixture : IAsyncLifetime
{
    private ChildProcess? _process;
    private string? _genDir;

    public int Port { get; } = FreePort.Next();

    public GrpcChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _genDir = InteropPaths.NewGenDir();
        _process = new ChildProcess(InteropPaths.Python,
            [Path.Combine(InteropPaths.InteropDir, "interop_server.py"), "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--gen-dir", _genDir],
            InteropPaths.InteropDir);
        await _process.WaitForLineAsync(l => l.StartsWith("READY", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Port}");
    }

    public Task DisposeAsync()
    {
        Channel?.Dispose();
        _process?.Dispose();
        if (_genDir is not null) Directory.Delete(_genDir, recursive: true);
        return Task.CompletedTask;
    }
}
