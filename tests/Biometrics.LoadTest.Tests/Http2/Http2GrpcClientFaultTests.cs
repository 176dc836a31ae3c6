using System.Diagnostics;
using Biometrics.LoadTest.Http2;
using Biometrics.LoadTest.Targets;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The HTTP/2 client against scripted servers: connection loss, GOAWAY, stream limits, CONTINUATION, PING.</summary>
public sealed class Http2GrpcClientFaultTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UnaryAsync_ServerClosesTheConnectionMidCall_UnavailableWithoutHanging()
    {
        await using var server = new ScriptedHttp2Server(async (_, peer, ct) =>
        {
            await peer.HandshakeAsync();
            await peer.ReadRequestAsync(ct);
            peer.Dispose();
        });
        await using var client = Client(server.Address, 1);

        var calls = Enumerable.Range(0, 5).Select(_ => client.UnaryAsync("/x.Y/Z", new byte[4]).AsTask()).ToArray();
        var responses = await Task.WhenAll(calls).WaitAsync(s_timeout);

        Assert.All(responses, r => Assert.Equal("UNAVAILABLE", r.Label));
        Assert.All(responses, r => Assert.Equal(0, r.HttpStatus));
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task UnaryAsync_NoServerListening_UnavailableQuickly()
    {
        var port = Biometrics.Testing.FreePort.Next();
        await using var client = Client(new Uri($"http://127.0.0.1:{port}"), 2);
        var watch = Stopwatch.StartNew();

        using var first = await client.UnaryAsync("/x.Y/Z", new byte[1]).AsTask().WaitAsync(s_timeout);
        using var second = await client.UnaryAsync("/x.Y/Z", new byte[1]).AsTask().WaitAsync(s_timeout);

        Assert.Equal("UNAVAILABLE", first.Label);
        Assert.Equal("UNAVAILABLE", second.Label);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task UnaryAsync_GoAwayBelowAnOpenStream_ThatStreamUnavailableEarlierOneCompletesNextCallReconnects()
    {
        await using var server = new ScriptedHttp2Server(async (n, peer, ct) =>
        {
            await peer.HandshakeAsync();
            if (n == 0)
            {
                var first = await peer.ReadRequestAsync(ct);
                var second = await peer.ReadRequestAsync(ct);
                await peer.GoAwayAsync(first, Http2ErrorCode.NoError);
                await peer.RespondOkAsync(first, [42]);
                Assert.True(second > first);
            }

            while (true)
            {
                await peer.RespondOkAsync(await peer.ReadRequestAsync(ct), [7]);
            }
        });
        await using var client = Client(server.Address, 1);
        await client.ConnectAsync().WaitAsync(s_timeout);

        var first = client.UnaryAsync("/x.Y/Z", new byte[1]).AsTask();
        var second = client.UnaryAsync("/x.Y/Z", new byte[1]).AsTask();
        using var r1 = await first.WaitAsync(s_timeout);
        using var r2 = await second.WaitAsync(s_timeout);
        using var r3 = await client.UnaryAsync("/x.Y/Z", new byte[1]).AsTask().WaitAsync(s_timeout);

        Assert.Equal("OK", r1.Label);
        Assert.Equal(new byte[] { 42 }, r1.Payload.ToArray());
        Assert.Equal("UNAVAILABLE", r2.Label);
        Assert.Contains("GOAWAY", r2.Message, StringComparison.Ordinal);
        Assert.Equal("OK", r3.Label);
        Assert.Equal(new byte[] { 7 }, r3.Payload.ToArray());
        Assert.Equal(2, client.ConnectionsOpened);
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task UnaryAsync_ServerAllowsTwoStreams_NeverMoreThanTwoOpenAndAllComplete()
    {
        var open = 0;
        var maxOpen = 0;
        await using var server = new ScriptedHttp2Server(async (connection, peer, ct) =>
        {
            await peer.HandshakeAsync((Http2SettingId.MaxConcurrentStreams, 2));
            while (true)
            {
                var (h, _) = await peer.ReadFrameAsync(ct);
                if (h.Type == Http2FrameType.Headers)
                {
                    maxOpen = Math.Max(maxOpen, Interlocked.Increment(ref open));
                }
                else if (h.Type == Http2FrameType.Data && h.Has(Http2Flags.EndStream))
                {
                    var id = h.StreamId;
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(5, ct);
                        Interlocked.Decrement(ref open);
                        await peer.RespondOkAsync(id, [1]);
                    }, ct);
                }
            }
        });
        await using var client = Client(server.Address, 1);
        await client.ConnectAsync().WaitAsync(s_timeout);

        var calls = Enumerable.Range(0, 20).Select(_ => client.UnaryAsync("/x.Y/Z", new byte[1]).AsTask()).ToArray();
        var responses = await Task.WhenAll(calls).WaitAsync(s_timeout);

        Assert.All(responses, r => Assert.Equal("OK", r.Label));
        Assert.InRange(maxOpen, 1, 2);
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task UnaryAsync_HeadersInContinuationAfterAPing_DecodedAndPingAcknowledged()
    {
        var pingAcked = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new ScriptedHttp2Server(async (_, peer, ct) =>
        {
            await peer.HandshakeAsync();
            await peer.WriteFrameAsync(Http2FrameType.Ping, 0, 0, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
            while (true)
            {
                var (h, payload) = await peer.ReadFrameAsync(ct);
                if (h.Type == Http2FrameType.Ping && h.Has(Http2Flags.Ack))
                {
                    pingAcked.TrySetResult(payload);
                }
                else if (h.Type == Http2FrameType.Data && h.Has(Http2Flags.EndStream))
                {
                    await peer.RespondOkAsync(h.StreamId, [9, 9], splitHeaders: true);
                }
            }
        });
        await using var client = Client(server.Address, 1);

        using var response = await client.UnaryAsync("/x.Y/Z", new byte[1]).AsTask().WaitAsync(s_timeout);
        var ping = await pingAcked.Task.WaitAsync(s_timeout);

        Assert.Equal("OK", response.Label);
        Assert.Equal(new byte[] { 9, 9 }, response.Payload.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, ping);
        Assert.Empty(server.Errors);
    }

    [Fact]
    public async Task UnaryAsync_ServerNeverAnswers_DeadlineExceededAndStreamReset()
    {
        var reset = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new ScriptedHttp2Server(async (_, peer, ct) =>
        {
            await peer.HandshakeAsync();
            while (true)
            {
                var (h, _) = await peer.ReadFrameAsync(ct);
                if (h.Type == Http2FrameType.RstStream)
                {
                    reset.TrySetResult(h.StreamId);
                }
            }
        });
        await using var client = Client(server.Address, 1);

        using var response = await client.UnaryAsync("/x.Y/Z", new byte[1], TimeSpan.FromMilliseconds(200)).AsTask().WaitAsync(s_timeout);

        Assert.Equal("DEADLINE_EXCEEDED", response.Label);
        Assert.Equal(1, await reset.Task.WaitAsync(s_timeout));
    }

    private static Http2GrpcClient Client(Uri address, int connections) => new(new ConnectionOptions { Address = address, Connections = connections });
}
