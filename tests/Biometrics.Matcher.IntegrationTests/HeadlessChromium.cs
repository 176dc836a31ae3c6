using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Biometrics.Matcher.IntegrationTests;

/// <summary>
/// Debian's chromium, headless, driven over its DevTools protocol on a loopback websocket (no browser download, no npm):
/// navigate, evaluate JavaScript, set a file input, take screenshots. One page; a private profile folder removed at the end.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly string _profile;
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The browser binary (scripts/setup.sh installs Debian's chromium).</summary>
    public static string Binary => File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException("/usr/bin/chromium is missing: the console tests need Debian's chromium (run scripts/setup.sh as root).");

    public static async Task<HeadlessChromium> StartAsync()
    {
        var profile = Path.Combine(Path.GetTempPath(), "biometrics-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-background-networking", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                     "--window-size=1400,1000", "--user-data-dir=" + profile, "about:blank",
                 })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        var browser = new HeadlessChromium(process, profile);
        try
        {
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            string? wsUrl = null;
            var until = DateTime.UtcNow.AddSeconds(60);
            while (wsUrl is null)
            {
                var line = await process.StandardError.ReadLineAsync().WaitAsync(until - DateTime.UtcNow);
                if (line is null) throw new InvalidOperationException("chromium exited before it opened its DevTools port");
                const string marker = "DevTools listening on ";
                if (line.StartsWith(marker, StringComparison.Ordinal)) wsUrl = line[marker.Length..].Trim();
            }

            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
            // The page target of about:blank, from the DevTools HTTP list on the same port.
            var port = new Uri(wsUrl).Port;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var list = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            var page = list.First(t => (string?)t!["type"] == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
            await browser._socket.ConnectAsync(new Uri(page), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            browser._reader = browser.ReadAsync();
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Runtime.enable");
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a DevTools command and returns its result.</summary>
    public async Task<JsonNode?> SendAsync(string method, JsonObject? parameters = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        return await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Opens <paramref name="url"/> and waits until the document has loaded.</summary>
    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await WaitForAsync("document.readyState === 'complete' && location.href === " + JsonSerializer.Serialize(url), TimeSpan.FromSeconds(30));
    }

    /// <summary>The value of a JavaScript expression (promises awaited).</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (r?["exceptionDetails"] is { } error) throw new InvalidOperationException("script failed: " + error.ToJsonString());
        return r?["result"]?["value"];
    }

    /// <summary>Waits until a JavaScript expression is true (bounded).</summary>
    public async Task WaitForAsync(string expression, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await EvaluateAsync("!!(" + expression + ")");
            if (value?.GetValue<bool>() == true) return;
            if (DateTime.UtcNow > until)
            {
                var body = await EvaluateAsync("document.body ? document.body.innerText : ''");
                throw new TimeoutException($"the page never showed {expression}; it shows:\n{body}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The text of an element.</summary>
    public async Task<string> TextAsync(string selector) =>
        (await EvaluateAsync($"(document.querySelector({JsonSerializer.Serialize(selector)}) || {{}}).innerText || ''"))?.GetValue<string>() ?? "";

    /// <summary>Chooses a file in a file input (the page gets its change event).</summary>
    public async Task SetFileAsync(string selector, string path)
    {
        var root = await SendAsync("DOM.getDocument");
        var node = await SendAsync("DOM.querySelector", new JsonObject { ["nodeId"] = root!["root"]!["nodeId"]!.GetValue<int>(), ["selector"] = selector });
        await SendAsync("DOM.setFileInputFiles", new JsonObject { ["nodeId"] = node!["nodeId"]!.GetValue<int>(), ["files"] = new JsonArray(path) });
    }

    /// <summary>A PNG of the page, written to <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path)
    {
        var r = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(r!["data"]!.GetValue<string>()));
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray());
                message.SetLength(0);
                if (node?["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var done))
                {
                    if (node["error"] is { } error) done.TrySetException(new InvalidOperationException("DevTools: " + error.ToJsonString()));
                    else done.TrySetResult(node["result"]);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }

        foreach (var p in _pending.Values) p.TrySetException(new InvalidOperationException("the DevTools connection closed"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
        }

        _process.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
