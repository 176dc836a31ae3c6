using System.Diagnostics;
using System.Text;

namespace Biometrics.Testing;

/// <summary>
/// Everything a test Redis holds, as text: every key name, then its values (string, hash fields and values, set and
/// sorted-set members, list items, stream entry ids, fields and values), read by one script through
/// <c>redis-cli</c>, independent of the client under test. Bytes are decoded as Latin-1, so a search for ASCII text
/// finds it whatever surrounds it. For tests that prove what Redis does not hold.
/// </summary>
public static class RedisDump
{
    private const string Script = """
        local out = {}
        for _, k in ipairs(redis.call('KEYS', '*')) do
          out[#out + 1] = 'KEY ' .. k
          local t = redis.call('TYPE', k)['ok']
          local items = {}
          if t == 'string' then items = {redis.call('GET', k)}
          elseif t == 'hash' then items = redis.call('HGETALL', k)
          elseif t == 'set' then items = redis.call('SMEMBERS', k)
          elseif t == 'list' then items = redis.call('LRANGE', k, 0, -1)
          elseif t == 'zset' then items = redis.call('ZRANGE', k, 0, -1)
          elseif t == 'stream' then
            for _, e in ipairs(redis.call('XRANGE', k, '-', '+')) do
              items[#items + 1] = e[1]
              for _, x in ipairs(e[2]) do items[#items + 1] = x end
            end
          end
          for _, x in ipairs(items) do out[#out + 1] = x end
        end
        return table.concat(out, '\n')
        """;

    /// <summary>The dump of the server at <paramref name="port"/> on 127.0.0.1.</summary>
    public static async Task<string> EverythingAsync(int port, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("/usr/bin/redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--raw", "EVAL", Script, "0" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("/usr/bin/redis-cli could not be started (scripts/setup.sh installs it).");
        using var output = new MemoryStream();
        using var cts = new CancellationTokenSource(timeout);
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, cts.Token);
        var error = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        await copy.ConfigureAwait(false);
        if (process.ExitCode != 0) throw new InvalidOperationException("redis-cli failed: " + await error.ConfigureAwait(false));
        return Encoding.Latin1.GetString(output.ToArray());
    }
}
