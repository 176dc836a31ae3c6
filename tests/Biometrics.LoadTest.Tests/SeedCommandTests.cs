using Biometrics.LoadTest.Cli;

namespace Biometrics.LoadTest.Tests;

public sealed class SeedCommandTests
{
    [Fact]
    public void RetryDelay_EnrolmentInProgress_BacksOffWhereOtherFailuresWaitOneSecond()
    {
        Assert.False(SeedCommand.IsPermanent(Grpc.Core.StatusCode.Aborted));
        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(0, 7).Select(a => SeedCommand.RetryDelay(Grpc.Core.StatusCode.Aborted, a).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(1), SeedCommand.RetryDelay(Grpc.Core.StatusCode.Unavailable, 4));
    }

    [Fact]
    public async Task ExecuteAsync_StreamFailsWithRequestsOutstanding_ReopensAndEnrolsEverySubjectOnce()
    {
        await using var server = new FlakyEnrolStreamServer(failAfter: 3);
        await server.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var options = CommandLine.Options("seed", ["--target", $"http://127.0.0.1:{server.Port}", "--count", "20", "--streams", "1", "--window", "2"]);

        var code = await SeedCommand.ExecuteAsync(options, stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, code);
        Assert.Equal(2, server.Streams);
        Assert.Contains("reopening", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(20, server.Received.Distinct().Count());
        Assert.Equal(20, server.Received.Count);
    }

    [Fact]
    public async Task ExecuteAsync_StreamKeepsFailingPastRetries_ExitsOneInsteadOfHanging()
    {
        await using var server = new FlakyEnrolStreamServer(failAfter: 0);
        await server.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var options = CommandLine.Options("seed", ["--target", $"http://127.0.0.1:{server.Port}", "--count", "20", "--streams", "1", "--window", "2", "--retries", "0"]);

        var code = await SeedCommand.ExecuteAsync(options, new StringWriter(), new StringWriter(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, code);
    }

    [Fact]
    public async Task ExecuteAsync_TokenRefused_DoesNotRetryAndExitsOne()
    {
        await using var server = new FlakyEnrolStreamServer(failAfter: int.MaxValue, requiredToken: "enrolment-token");
        await server.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var stderr = new StringWriter();
        var options = CommandLine.Options("seed", ["--target", $"http://127.0.0.1:{server.Port}", "--token", "gate-token", "--count", "20", "--streams", "2", "--retries", "5"]);

        var code = await SeedCommand.ExecuteAsync(options, new StringWriter(), stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, code);
        Assert.Equal(2, server.Streams); // one per stream, none reopened
        Assert.DoesNotContain("reopening", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("UNAUTHENTICATED", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(server.Received);
    }
}
