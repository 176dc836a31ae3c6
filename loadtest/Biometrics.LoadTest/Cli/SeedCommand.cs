using System.Diagnostics;
using System.Globalization;
using Biometrics.Grpc;
using Biometrics.LoadTest.Targets;
using Biometrics.LoadTest.Targets.Matcher;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// <c>biometrics-load seed</c>: enrols seeded synthetic templates (subjects <c>--first</c> .. <c>--first + --count - 1</c>)
/// through Enrolment.EnrolStream on <c>--streams</c> parallel streams, each keeping at most <c>--window</c>
/// requests unanswered. Idempotent: request ids are derived from the data seed and subject number.
/// Exit code 0 when every template was enrolled, 1 otherwise.
/// </summary>
public static class SeedCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> ExecuteAsync(ArgumentMap options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var client = ScenarioFactory.MatcherClient(options);
        using var _ = client;
        var count = options.Long("count", 1_000_000);
        var first = options.Long("first", 0);
        var streams = (int)Math.Max(1, options.Long("streams", 2));
        var window = (int)Math.Max(1, options.Long("window", 512));
        var galleries = options.String("gallery", "residents")!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        long sent = 0, enrolled = 0, failed = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            try
            {
                while (await timer.WaitForNextTickAsync(progressStop.Token).ConfigureAwait(false))
                {
                    var done = Interlocked.Read(ref enrolled) + Interlocked.Read(ref failed);
                    await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"[{clock.Elapsed:mm\\:ss}] sent {Interlocked.Read(ref sent):N0}  enrolled {Interlocked.Read(ref enrolled):N0}  failed {Interlocked.Read(ref failed):N0}  {done / clock.Elapsed.TotalSeconds:N0}/s")).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        async Task StreamAsync(int index)
        {
            using var call = client.Invoker.AsyncDuplexStreamingCall(MatcherClient.EnrolStream, null, client.Options(cancellationToken, TimeSpan.FromHours(2)));
            using var slots = new SemaphoreSlim(window, window);
            var reader = Task.Run(async () =>
            {
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    var status = call.ResponseStream.Current.Status.ToString().ToUpperInvariant();
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref status == "ENROLLED" ? ref enrolled : ref failed);
                    slots.Release();
                }
            }, CancellationToken.None);
            for (var subject = first + index; subject < first + count; subject += streams)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                await call.RequestStream.WriteAsync(EnrolTarget.Request(client, subject, galleries)).ConfigureAwait(false);
                Interlocked.Increment(ref sent);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
        }

        var code = 0;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, streams).Select(StreamAsync)).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            await stderr.WriteLineAsync($"error: EnrolStream failed with {GrpcStatusNames.Of((int)e.StatusCode)}: {e.Status.Detail}").ConfigureAwait(false);
            code = 1;
        }
        finally
        {
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"seeded {enrolled:N0} of {count:N0} templates (subjects {first:N0}..{first + count - 1:N0}, galleries {string.Join(",", galleries)}) in {seconds:0.#} s = {enrolled / seconds:N0}/s; statuses: {string.Join(", ", statuses.Select(kv => kv.Key + " " + kv.Value.ToString("N0", CultureInfo.InvariantCulture)))}")).ConfigureAwait(false);
        return code == 0 && enrolled == count ? 0 : 1;
    }
}
