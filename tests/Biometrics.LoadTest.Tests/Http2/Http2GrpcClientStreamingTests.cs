using System.Diagnostics;
using Biometrics.LoadTest.Http2;
using Biometrics.LoadTest.Targets;

namespace Biometrics.LoadTest.Tests.Http2;

/// <summary>The HTTP/2 client's streaming calls against Kestrel: both directions on one open stream, windows, half-close, statuses, resets, deadlines.</summary>
public sealed class Http2GrpcClientStreamingTests(KestrelGrpcServer server) : IClassFixture<KestrelGrpcServer>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OpenStreamAsync_WriteThenReadInTurns_EachAnswerBeforeTheNextWriteAndOkAfterHalfClose()
    {
        await using var client = Client();
        using var stream = await client.OpenStreamAsync(client.Method("/test.Raw/EchoStream")).AsTask().WaitAsync(s_timeout);

        for (var i = 0; i < 20; i++)
        {
            // The next message is written only once the previous answer is read: the stream is open in both directions.
            Assert.True(stream.TryWrite(new byte[] { (byte)i, 7 }));
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout));
            Assert.Equal(new byte[] { (byte)i, 7 }, stream.Current.ToArray());
        }

        stream.CompleteRequests();
        Assert.False(stream.TryWrite(new byte[1]));
        Assert.False(await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal("OK", stream.Label);
    }

    [Fact]
    public async Task OpenStreamAsync_MessagesLargerThanKestrelsWindows_CrossBothDirectionsWhole()
    {
        // Kestrel's windows are 96 KiB per stream and 128 KiB per connection: the writes wait for WINDOW_UPDATEs, and the
        // echoes arrive while more is being sent.
        await using var client = Client();
        using var stream = await client.OpenStreamAsync(client.Method("/test.Raw/EchoStream")).AsTask().WaitAsync(s_timeout);
        var messages = Enumerable.Range(0, 6).Select(i => { var m = new byte[300_000 + i]; Random.Shared.NextBytes(m); return m; }).ToArray();

        foreach (var m in messages)
        {
            Assert.True(stream.TryWrite(m));
        }

        stream.CompleteRequests();
        foreach (var m in messages)
        {
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout));
            Assert.Equal(m, stream.Current.ToArray());
        }

        Assert.False(await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal("OK", stream.Label);
    }

    [Fact]
    public async Task OpenStreamAsync_ManyStreamsAtOnceOverFewSlots_AllAnsweredInOrder()
    {
        await using var client = Client(connections: 2);
        var calls = Enumerable.Range(0, 40).Select(async i =>
        {
            using var stream = await client.OpenStreamAsync(client.Method("/test.Raw/EchoStream"), TimeSpan.FromSeconds(20));
            stream.TryWrite(new byte[] { (byte)i });
            stream.TryWrite(new byte[] { (byte)(i + 1) });
            stream.CompleteRequests();
            var seen = new List<byte>();
            while (await stream.MoveNextAsync())
            {
                seen.Add(stream.Current.Span[0]);
            }

            return (i, seen, stream.Label);
        }).ToArray();

        var results = await Task.WhenAll(calls).WaitAsync(s_timeout);

        Assert.All(results, r => Assert.Equal(("OK", new List<byte> { (byte)r.i, (byte)(r.i + 1) }), (r.Label, r.seen)));
    }

    [Fact]
    public async Task OpenStreamAsync_ServerEndsWithAStatusWhileTheClientStreams_StatusAndWritesRefused()
    {
        await using var client = Client();
        using var stream = await client.OpenStreamAsync(client.Method("/test.Raw/EndAfterFirst")).AsTask().WaitAsync(s_timeout);

        stream.TryWrite(new byte[3]);

        Assert.False(await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal("FAILED_PRECONDITION", stream.Label);
        Assert.Equal("lane closed", stream.Message);
        Assert.False(stream.TryWrite(new byte[3]));
    }

    [Fact]
    public async Task OpenStreamAsync_ServerResetsTheStream_InternalAndTheConnectionStillServes()
    {
        await using var client = Client();
        using var stream = await client.OpenStreamAsync(client.Method("/test.Raw/ResetAfterFirst")).AsTask().WaitAsync(s_timeout);

        stream.TryWrite(new byte[3]);
        var ended = !await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout);
        using var after = await client.UnaryAsync("/test.Raw/Echo", new byte[1]).AsTask().WaitAsync(s_timeout);

        Assert.True(ended);
        Assert.Equal("INTERNAL", stream.Label);
        Assert.Contains("reset by the server", stream.Message, StringComparison.Ordinal);
        Assert.Equal("OK", after.Label);
    }

    [Fact]
    public async Task OpenStreamAsync_DeadlineWithoutAnswer_DeadlineExceededInTimeAndServerCancelled()
    {
        await using var client = Client();
        var watch = Stopwatch.StartNew();
        using var stream = await client.OpenStreamAsync(client.Method("/test.Raw/Silent"), TimeSpan.FromMilliseconds(300)).AsTask().WaitAsync(s_timeout);

        stream.TryWrite(new byte[3]);

        Assert.False(await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal("DEADLINE_EXCEEDED", stream.Label);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Dispose_OpenStream_ResetSoTheServerSeesTheCancellation()
    {
        await using var client = Client();
        var before = server.SilentCancelled;
        var stream = await client.OpenStreamAsync(client.Method("/test.Raw/Silent")).AsTask().WaitAsync(s_timeout);
        stream.TryWrite(new byte[3]);
        using (var warm = await client.UnaryAsync("/test.Raw/Echo", new byte[1]).AsTask().WaitAsync(s_timeout))
        {
            Assert.Equal("OK", warm.Label); // the stream's HEADERS went out before this call's
        }

        stream.Dispose();

        var deadline = Stopwatch.StartNew();
        while (server.SilentCancelled == before && deadline.Elapsed < s_timeout)
        {
            await Task.Delay(20);
        }

        Assert.Equal(before + 1, server.SilentCancelled);
    }

    [Fact]
    public async Task OpenStreamAsync_NoListener_UnavailableWithoutHanging()
    {
        await using var client = new Http2GrpcClient(new ConnectionOptions { Address = new Uri($"http://127.0.0.1:{Biometrics.Testing.FreePort.Next()}"), Connections = 1 });
        using var stream = await client.OpenStreamAsync(client.Method("/test.Raw/EchoStream")).AsTask().WaitAsync(s_timeout);

        Assert.False(stream.TryWrite(new byte[1]));
        Assert.False(await stream.MoveNextAsync().AsTask().WaitAsync(s_timeout));
        Assert.Equal("UNAVAILABLE", stream.Label);
    }

    private Http2GrpcClient Client(int connections = 1) => new(new ConnectionOptions { Address = server.Address, Connections = connections });
}
