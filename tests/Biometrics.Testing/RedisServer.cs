using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Biometrics.Testing;

/// <summary>
/// A real <c>redis-server</c> (Debian's, <c>/usr/bin/redis-server</c>) for tests: started on a free loopback port
/// with its own temporary directory, <c>--save ""</c> (no RDB snapshots) and <c>--appendonly yes</c>. The
/// constructor returns once the server answers PING. <see cref="Kill"/> sends SIGKILL to the process this
/// instance started (never by name); <see cref="Restart"/> starts it again on the same port and directory (so the
/// AOF is replayed). <see cref="Dispose"/> stops it and deletes the directory. Use it as an xunit class or
/// collection fixture. Not thread-safe.
/// </summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>Where Debian installs the server.</summary>
    public const string DefaultExecutable = "/usr/bin/redis-server";

    private readonly string _executable;
    private readonly string[] _extraArguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>Starts a server. <paramref name="extraArguments"/> are appended (e.g. <c>"--appendfsync", "always"</c>).</summary>
    public RedisServer(params string[] extraArguments)
        : this(DefaultExecutable, extraArguments)
    {
    }

    /// <summary>Starts a server from a given executable.</summary>
    public RedisServer(string executable, string[] extraArguments)
    {
        _executable = executable;
        _extraArguments = extraArguments;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: install Debian's redis-server (scripts/setup.sh does).");
        }

        Directory = Path.Combine(Path.GetTempPath(), "biometrics-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        Port = FreePort.Next();
        try
        {
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's working directory (AOF files live here).</summary>
    public string Directory { get; }

    /// <summary><c>127.0.0.1:port</c>, usable as a client configuration string.</summary>
    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>True while the started process is alive.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The process id of the running server, or null.</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>SIGKILL (<c>kill -9</c>) the server this instance started, and wait until it is gone.</summary>
    public void Kill()
    {
        var p = _process;
        if (p is null) return;
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: false);
                p.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        p.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and directory (kills it first if it is still running).</summary>
    public void Restart()
    {
        Kill();
        Start();
    }

    private void Start()
    {
        var psi = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var arg in new[]
                 {
                     "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", Directory, "--save", "", "--appendonly", "yes", "--daemonize", "no",
                     "--protected-mode", "yes", "--logfile", "",
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var arg in _extraArguments) psi.ArgumentList.Add(arg);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        WaitUntilReady(TimeSpan.FromSeconds(20));
    }

    private void WaitUntilReady(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process is null || _process.HasExited)
            {
                _process?.WaitForExit();
                throw new InvalidOperationException($"redis-server exited during start-up:\n{Output}");
            }

            if (TryPing()) return;
            Thread.Sleep(20);
        }

        Kill();
        throw new TimeoutException($"redis-server on port {Port} did not answer PING within {timeout}:\n{Output}");
    }

    private bool TryPing()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            using var stream = client.GetStream();
            stream.ReadTimeout = 1000;
            stream.Write("*1\r\n$4\r\nPING\r\n"u8);
            var buffer = new byte[64];
            var n = stream.Read(buffer);
            // "-LOADING ..." while the AOF is replayed: not ready yet.
            return n >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
