using System.Diagnostics;
using System.Globalization;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>
/// The interop TestService and Health served by Debian's python3-grpcio (tests/Biometrics.Grpc.IntegrationTests/interop)
/// in a child process on a free loopback port; started once per test class, killed by its own process handle on dispose.
/// </summary>
public sealed class PythonGrpcServer : IAsyncLifetime
{
    private const string Python = "/usr/bin/python3";
    private Process? _process;
    private string? _genDir;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    public int Port { get; } = Biometrics.Testing.FreePort.Next();

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public async Task InitializeAsync()
    {
        var interop = Path.Combine(RepoRoot(), "tests", "Biometrics.Grpc.IntegrationTests", "interop");
        _genDir = Directory.CreateTempSubdirectory("biometrics-load-py-").FullName;
        var info = new ProcessStartInfo(Python)
        {
            WorkingDirectory = interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(interop, "interop_server.py"), "--port", Port.ToString(CultureInfo.InvariantCulture), "--gen-dir", _genDir })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + Python);
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await _ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("python grpcio server did not start:\n" + string.Join("\n", _output));
        }
    }

    public Task DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            _process.Dispose();
        }

        if (_genDir is not null)
        {
            Directory.Delete(_genDir, recursive: true);
        }

        return Task.CompletedTask;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.StartsWith("READY", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Biometrics.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Biometrics.sln not found above " + AppContext.BaseDirectory);
    }
}
