using System.Diagnostics;
using System.Text.RegularExpressions;
using Biometrics.Edge.IntegrationTests.Gate;
using Biometrics.Testing;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Xunit.Abstractions;

namespace Biometrics.Edge.IntegrationTests.Docs;

/// <summary>
/// Every fenced example in README.md and docs/ that is marked runnable (a <c>&lt;!-- runnable --&gt;</c> line right before
/// a <c>```sh</c> block) runs as written, from the repository root, against what <c>scripts/run.sh</c> serves (the
/// matcher on 127.0.0.1:50051 with its keys and tokens in <c>.data/keys</c>). A block fails the test when it exits
/// non-zero or takes more than two minutes.
/// </summary>
[Collection(GateCollection.Name)] // not beside the timing-sensitive lane tests
public sealed partial class RunnableExamplesTests(ITestOutputHelper output)
{
    private const int MatcherPort = 50051;

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var (file, index, _) in Blocks()) data.Add(file, index);
        return data;
    }

    [Fact]
    public void Docs_RunnableExamples_AtLeastOneMarked()
    {
        Assert.NotEmpty(Blocks());
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_AsWritten_ExitsZeroAgainstRunSh(string file, int index)
    {
        var script = Blocks().Single(b => b.File == file && b.Index == index).Script;
        await using var server = await RunSh.StartAsync(output);
        output.WriteLine($"{file} #{index}:\n{script}");
        var (code, text) = await BashAsync(script, TimeSpan.FromMinutes(2));
        output.WriteLine(text);
        Assert.True(code == 0, $"{file} example #{index} exited {code}:\n{script}\n{text}");
    }

    private static List<(string File, int Index, string Script)> Blocks()
    {
        var root = SharedFiles.RepoRoot;
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        var blocks = new List<(string, int, string)>();
        foreach (var path in files)
        {
            var i = 0;
            foreach (Match m in RunnableBlock().Matches(File.ReadAllText(path)))
            {
                blocks.Add((Path.GetRelativePath(root, path), i++, m.Groups[1].Value));
            }
        }

        return blocks;
    }

    private static async Task<(int Code, string Output)> BashAsync(string script, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = SharedFiles.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { "-euo", "pipefail", "-c", script }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return (-1, $"timed out after {timeout}\n{await stdout}{await stderr}");
        }

        return (p.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"^<!-- runnable -->[ \t]*\r?\n```sh\r?\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex RunnableBlock();

    /// <summary><c>scripts/run.sh</c> as a child process (redis-server on a free port, the matcher on 50051), stopped with
    /// SIGTERM so that it stops what it started.</summary>
    private sealed class RunSh : IAsyncDisposable
    {
        private readonly Process _process;

        private RunSh(Process process) => _process = process;

        public static async Task<RunSh> StartAsync(ITestOutputHelper output)
        {
            Assert.False(PortInUse(MatcherPort), $"127.0.0.1:{MatcherPort} is in use: stop the matcher running there (./run.sh) before these tests.");
            var psi = new ProcessStartInfo("bash") { WorkingDirectory = SharedFiles.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            psi.ArgumentList.Add("scripts/run.sh");
            psi.Environment["REDIS_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var process = Process.Start(psi)!;
            process.StandardInput.Close();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Log(output, e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Log(output, e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new RunSh(process);
            try
            {
                await WaitServingAsync(process);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            return server;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await kill.WaitForExitAsync();
                }

                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }

        private static async Task WaitServingAsync(Process process)
        {
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{MatcherPort}");
            var health = new Health.HealthClient(channel);
            var until = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < until)
            {
                Assert.False(process.HasExited, "scripts/run.sh exited before the matcher was SERVING (see the test output)");
                try
                {
                    var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                    if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving) return;
                }
                catch (Grpc.Core.RpcException)
                {
                }

                await Task.Delay(200);
            }

            Assert.Fail("the matcher started by scripts/run.sh was not SERVING within 60 s");
        }

        private static bool PortInUse(int port)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect(System.Net.IPAddress.Loopback, port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }

        private static void Log(ITestOutputHelper output, string line)
        {
            try
            {
                output.WriteLine("[run.sh] " + line);
            }
            catch (InvalidOperationException)
            {
                // The test has finished; the server's last lines are not needed.
            }
        }
    }
}
