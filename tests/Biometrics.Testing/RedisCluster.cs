using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Biometrics.Testing;

/// <summary>
/// A real Redis Cluster for tests: six <see cref="RedisServer"/> processes on free loopback ports (cluster bus on
/// other free ports, <c>--cluster-port</c>), AOF with <c>appendfsync always</c>, joined by
/// <c>redis-cli --cluster create --cluster-replicas 1</c> into three primaries with one replica each. The
/// constructor returns once every node reports <c>cluster_state:ok</c> and every replica's link is up.
/// <see cref="KillPrimaryOf"/> SIGKILLs the process this instance started (never by name). <see cref="Dispose"/>
/// stops every node and deletes their directories. Use it as an xunit collection or class fixture. Not thread-safe.
/// </summary>
public sealed class RedisCluster : IDisposable
{
    /// <summary>Milliseconds a node may be unreachable before the cluster fails it over (<c>cluster-node-timeout</c>).</summary>
    public const int NodeTimeoutMs = 2000;

    private readonly List<RedisServer> _nodes = [];

    /// <summary>Starts and joins the cluster (up to about a minute on a loaded machine).</summary>
    public RedisCluster()
    {
        try
        {
            for (var i = 0; i < 6; i++)
            {
                _nodes.Add(new RedisServer(
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", NodeTimeoutMs.ToString(CultureInfo.InvariantCulture),
                    "--cluster-port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
                    "--appendfsync", "always"));
            }

            var args = new List<string> { "--cluster", "create" };
            args.AddRange(_nodes.Select(n => n.EndPoint));
            args.AddRange(["--cluster-replicas", "1", "--cluster-yes"]);
            var (code, output) = RedisCli(args, TimeSpan.FromSeconds(60));
            if (code != 0) throw new InvalidOperationException($"redis-cli --cluster create failed ({code}):\n{output}");
            WaitUntilHealthy(TimeSpan.FromSeconds(60));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Every node's <c>127.0.0.1:port</c>.</summary>
    public IReadOnlyList<string> EndPoints => _nodes.Select(n => n.EndPoint).ToArray();

    /// <summary>The client configuration string: every node, comma-separated.</summary>
    public string Configuration => string.Join(',', EndPoints);

    /// <summary>The node processes (for PIDs and output).</summary>
    public IReadOnlyList<RedisServer> Nodes => _nodes;

    /// <summary>SIGKILLs the primary that serves <paramref name="key"/>; returns it (its replica takes over).</summary>
    public RedisServer KillPrimaryOf(string key)
    {
        var node = PrimaryOf(key);
        node.Kill();
        return node;
    }

    /// <summary>The running primary that serves <paramref name="key"/> (its hash slot).</summary>
    public RedisServer PrimaryOf(string key)
    {
        var slot = Command(_nodes.First(n => n.IsRunning), "CLUSTER", "KEYSLOT", key).Trim();
        foreach (var node in _nodes.Where(n => n.IsRunning))
        {
            var info = Command(node, "INFO", "replication");
            if (!info.Contains("role:master", StringComparison.Ordinal)) continue;
            var myself = Command(node, "CLUSTER", "NODES").Split('\n').First(l => l.Contains("myself", StringComparison.Ordinal));
            var s = int.Parse(slot, CultureInfo.InvariantCulture);
            foreach (var range in myself.Split(' ').Skip(8))
            {
                var parts = range.Split('-');
                if (parts.Length == 0 || !int.TryParse(parts[0], out var lo)) continue;
                var hi = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : lo;
                if (s >= lo && s <= hi) return node;
            }
        }

        throw new InvalidOperationException($"No running primary serves slot {slot}.");
    }

    /// <summary>Waits until the running nodes report <c>cluster_state:ok</c> and every running replica's link is up.</summary>
    public void WaitUntilHealthy(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var ok = true;
                foreach (var node in _nodes.Where(n => n.IsRunning))
                {
                    last = Command(node, "CLUSTER", "INFO");
                    if (!last.Contains("cluster_state:ok", StringComparison.Ordinal)) { ok = false; break; }
                    var replication = Command(node, "INFO", "replication");
                    if (replication.Contains("role:slave", StringComparison.Ordinal) && !replication.Contains("master_link_status:up", StringComparison.Ordinal))
                    {
                        last = replication;
                        ok = false;
                        break;
                    }
                }

                if (ok) return;
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                last = ex.Message;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"The cluster did not become healthy within {timeout}: {last}");
    }

    /// <summary>Runs one command on a node with redis-cli and returns its output.</summary>
    public static string Command(RedisServer node, params string[] command)
    {
        var args = new List<string> { "-p", node.Port.ToString(CultureInfo.InvariantCulture) };
        args.AddRange(command);
        var (code, output) = RedisCli(args, TimeSpan.FromSeconds(10));
        if (code != 0) throw new IOException($"redis-cli {string.Join(' ', command)} failed ({code}): {output}");
        return output;
    }

    private static (int Code, string Output) RedisCli(IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("/usr/bin/redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = new StringBuilder();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill();
            p.WaitForExit();
            throw new TimeoutException($"redis-cli {string.Join(' ', args)} did not finish within {timeout}.");
        }

        output.Append(stdout.Result).Append(stderr.Result);
        return (p.ExitCode, output.ToString());
    }

    /// <summary>Stops every node and deletes their directories.</summary>
    public void Dispose()
    {
        foreach (var node in _nodes) node.Dispose();
        _nodes.Clear();
    }
}
