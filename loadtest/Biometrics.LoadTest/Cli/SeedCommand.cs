using System.Diagnostics;
using System.Globalization;
using Biometrics.LoadTest.Targets.Matcher;
using Grpc.Core;

namespace Biometrics.LoadTest.Cli;

/// <summary>
/// <c>biometrics-load seed</c>: enrols seeded synthetic templates (subjects <c>--first</c> .. <c>--first + --count - 1</c>)
/// through Enrolment.EnrolStream on <c>--streams</c> parallel streams, each keeping at most <c>--window</c>
/// requests unanswered. Idempotent: request ids are derived from the data seed and subject number.
/// A stream that fails is reopened (<c>--retries</c>) unless its status is one a retry cannot change
/// (<see cref="IsPermanent"/>). Exit code 0 when every template was enrolled, 1 otherwise (<see cref="CommandLine.ExitCodes"/>).
/// <c>--acked-file PATH</c> writes the subject id of every acknowledged (ENROLLED) enrolment, one a line, as it comes
/// (the Redis failover proof reads each of them back, docs/SCALING.md, "Proofs").
/// </summary>
public static class SeedCommand
{
    /// <summary>
    /// Statuses that the same request meets again: a token refused or without the enrolment role, a request the matcher
    /// rejects, a method it does not serve. Retrying them only repeats the error (docs/LOADTEST.md, "Synthetic data").
    /// </summary>
    public static bool IsPermanent(StatusCode status)
        => status is StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.InvalidArgument or StatusCode.Unimplemented;

    /// <summary>
    /// How long to wait before reopening a stream that failed with <paramref name="status"/> on retry
    /// <paramref name="attempt"/> (from 0): 1 s, but ABORTED (<c>enrolment_in_progress</c>: another attempt, perhaps of a
    /// crashed matcher, still holds one of the request ids until its lease passes) backs off 1, 2, 4, ... up to 30 s.
    /// </summary>
    public static TimeSpan RetryDelay(StatusCode status, int attempt)
        => TimeSpan.FromSeconds(status == StatusCode.Aborted ? Math.Min(30, 1 << Math.Min(attempt, 5)) : 1);

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

        var retries = (int)Math.Max(0, options.Long("retries", 5));
        var ackedPath = options.String("acked-file", null);
        await using var acked = ackedPath is null ? null : new StreamWriter(ackedPath, append: false) { AutoFlush = true }; // exact at any moment
        var ackedLock = new Lock();

        // One logical stream per index: subjects first+index, first+index+streams, ... Responses come back in request
        // order, so after a failure the stream is reopened at the first unanswered subject (enrolment is idempotent per
        // request id, so a request that was stored but not answered is replayed, not duplicated).
        async Task StreamAsync(int index)
        {
            var answered = 0L;
            var expected = (count - index + streams - 1) / streams;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await OneStreamAsync(index, first + index + (answered * streams), () => answered++).ConfigureAwait(false);
                    if (answered >= expected) return;
                    throw new RpcException(new Status(StatusCode.Unavailable, $"the stream ended after {answered:N0} of {expected:N0} answers"));
                }
                catch (RpcException e) when (attempt < retries && !IsPermanent(e.StatusCode) && !cancellationToken.IsCancellationRequested)
                {
                    var delay = RetryDelay(e.StatusCode, attempt);
                    await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"stream {index}: EnrolStream failed with {MatcherClient.StatusOf(e)} ({e.Status.Detail}) after {answered:N0} answers; reopening in {delay.TotalSeconds:N0} s (retry {attempt + 1} of {retries})")).ConfigureAwait(false);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        async Task OneStreamAsync(int index, long start, Action onAnswer)
        {
            using var call = client.Enrolment.EnrolStream(client.Options(cancellationToken, TimeSpan.FromHours(2)));
            using var slots = new SemaphoreSlim(window, window);
            // Cancelled when the response stream ends for any reason, so a writer waiting for a free slot wakes up
            // instead of waiting forever for answers that will never come.
            using var readerEnded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reader = Task.Run(async () =>
            {
                try
                {
                    // Answers come in request order: the k-th answer is subject start + k * streams.
                    for (var subject = start; await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false); subject += streams)
                    {
                        var status = call.ResponseStream.Current.Status.ToString().ToUpperInvariant();
                        if (acked is not null && status == "ENROLLED")
                        {
                            lock (ackedLock)
                            {
                                acked.WriteLine(Data.SyntheticFaces.SubjectId(subject));
                            }
                        }

                        statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                        Interlocked.Increment(ref status == "ENROLLED" ? ref enrolled : ref failed);
                        onAnswer();
                        slots.Release();
                    }
                }
                finally
                {
                    await readerEnded.CancelAsync().ConfigureAwait(false);
                }
            }, CancellationToken.None);
            try
            {
                for (var subject = start; subject < first + count; subject += streams)
                {
                    await slots.WaitAsync(readerEnded.Token).ConfigureAwait(false);
                    await call.RequestStream.WriteAsync(EnrolTarget.Request(client, subject, galleries)).ConfigureAwait(false);
                    Interlocked.Increment(ref sent);
                }

                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or RpcException && !cancellationToken.IsCancellationRequested)
            {
                // The response stream ended (or the request stream broke) first: the reader has the reason. (Grpc.Net.Client
                // refuses a write to a completed call: InvalidOperationException when it ended OK, RpcException otherwise.)
            }

            await reader.ConfigureAwait(false);
        }

        var code = 0;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, streams).Select(StreamAsync)).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            await stderr.WriteLineAsync($"error: EnrolStream failed with {MatcherClient.StatusOf(e)}: {e.Status.Detail}").ConfigureAwait(false);
            if (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
            {
                await stderr.WriteLineAsync("seed needs a token of the enrolment role (against ./run.sh: --token-file .data/keys/enrolment.token)").ConfigureAwait(false);
            }
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
