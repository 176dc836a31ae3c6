using System.Net;
using System.Net.Sockets;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>
/// A TCP listener on a free loopback port whose connections are handled by a test-supplied script (raw HTTP/2 frames),
/// for behaviour real servers do not produce on demand: closing mid-call, GOAWAY below an open stream, small stream
/// limits, CONTINUATION, PING. Connection <c>n</c> (0-based) runs <c>script(n, peer)</c>. Dispose stops listening and
/// closes every accepted connection.
/// </summary>
internal sealed class ScriptedHttp2Server : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ScriptedHttp2Peer> _peers = [];
    private readonly List<Task> _scripts = [];
    private readonly Task _accept;

    public ScriptedHttp2Server(Func<int, ScriptedHttp2Peer, CancellationToken, Task> script)
    {
        _listener.Start();
        _accept = AcceptAsync(script);
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Exceptions the scripts threw (assertions inside a script end up here).</summary>
    public List<Exception> Errors { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_peers)
        {
            foreach (var peer in _peers)
            {
                peer.Dispose();
            }
        }

        await Task.WhenAny(Task.WhenAll([.. _scripts, _accept]), Task.Delay(TimeSpan.FromSeconds(10)));
        _stop.Dispose();
    }

    private async Task AcceptAsync(Func<int, ScriptedHttp2Peer, CancellationToken, Task> script)
    {
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var peer = new ScriptedHttp2Peer(socket);
            var index = n;
            lock (_peers)
            {
                _peers.Add(peer);
                _scripts.Add(Task.Run(async () =>
                {
                    try
                    {
                        await script(index, peer, _stop.Token);
                    }
                    catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
                    {
                        // The client or the test closed the connection.
                    }
                    catch (Exception e)
                    {
                        lock (Errors)
                        {
                            Errors.Add(e);
                        }
                    }
                }));
            }
        }
    }
}
