using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Biometrics.Edge.Connection;
using Biometrics.Protos.V1;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using Google.Protobuf;
using Grpc.Core;

namespace Biometrics.Edge.Enrolment;

/// <summary>
/// Enrols subjects through the matcher's Enrolment service: either one <c>EnrolStream</c> call with up to
/// <see cref="Window"/> requests in flight (the bulk path) or one <c>Enrol</c> call per subject. Requests carry the
/// image files as they are (the matcher runs its pipeline and quality gate) or, with a pipeline given, a template
/// computed here from the best face of the subject's images. Request ids are derived from the subject id, the galleries
/// and the image bytes, so running the same enrolment again is answered from the matcher's idempotency record instead of
/// creating new versions; that also makes it safe to resend unanswered requests after a broken stream (up to
/// <see cref="Attempts"/> attempts). Each outcome is reported through the callback as it arrives. Not thread-safe: one
/// run at a time.
/// </summary>
public sealed partial class EnrolmentRunner
{
    /// <summary>Largest image file sent (the matcher's limit).</summary>
    public const int MaxImageBytes = 8 * 1024 * 1024;

    private readonly MatcherConnection _connection;
    private readonly FacePipeline? _pipeline;

    /// <summary>Creates a runner; with <paramref name="pipeline"/>, templates are computed here instead of sending images.</summary>
    public EnrolmentRunner(MatcherConnection connection, FacePipeline? pipeline = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _pipeline = pipeline;
    }

    /// <summary>Galleries each subject joins (empty: the matcher's default, residents).</summary>
    public IReadOnlyList<string> Galleries { get; init; } = [];

    /// <summary>Requests in flight on one EnrolStream (default 16).</summary>
    public int Window { get; init; } = 16;

    /// <summary>Use one unary Enrol call per subject instead of EnrolStream.</summary>
    public bool Unary { get; init; }

    /// <summary>Attempts per subject when the stream breaks or the matcher is unreachable (default 3).</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>Deadline of each unary call, and of a stream per subject in it (default 30 s).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Enrols <paramref name="items"/>; <paramref name="onOutcome"/> is called once per subject, in completion order.</summary>
    public async Task<EnrolSummary> RunAsync(IReadOnlyList<EnrolmentItem> items, Action<EnrolmentOutcome> onOutcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(onOutcome);
        var summary = new EnrolSummary();
        var clock = Stopwatch.StartNew();
        void Done(EnrolmentOutcome o)
        {
            summary.Add(o);
            onOutcome(o);
        }

        var prepared = new List<(EnrolmentItem Item, EnrolRequest Request)>(items.Count);
        foreach (var item in items)
        {
            try
            {
                prepared.Add((item, BuildRequest(item)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ImageDecodeException)
            {
                Done(new EnrolmentOutcome(item.SubjectId, EnrolmentOutcome.Failed, string.Empty, Reason: e.Message));
            }
        }

        if (Unary)
        {
            foreach (var (item, request) in prepared)
            {
                Done(await EnrolOneAsync(item, request, cancellationToken).ConfigureAwait(false));
            }
        }
        else
        {
            var pending = prepared;
            Exception? lastError = null;
            for (var attempt = 1; attempt <= Attempts && pending.Count > 0; attempt++)
            {
                if (attempt > 1)
                {
                    var wait = _connection.RetryDelay;
                    await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                }

                (pending, lastError) = await StreamAsync(pending, Done, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (item, request) in pending)
            {
                Done(new EnrolmentOutcome(item.SubjectId, EnrolmentOutcome.Failed, request.RequestId, Reason: Describe(lastError)));
            }
        }

        summary.Elapsed = clock.Elapsed;
        return summary;
    }

    /// <summary>The request for one subject (images or a locally computed template), with its deterministic id.</summary>
    /// <exception cref="InvalidDataException">No image, too many, one too large, or (template mode) no face.</exception>
    public EnrolRequest BuildRequest(EnrolmentItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.SubjectId.Length is 0 or > 128)
        {
            throw new InvalidDataException($"subject id '{item.SubjectId}' must be 1..128 characters");
        }

        if (item.Files.Count is 0 or > EnrolmentFolderWalker.MaxImagesPerRequest)
        {
            throw new InvalidDataException($"{item.SubjectId}: 1..{EnrolmentFolderWalker.MaxImagesPerRequest} images per subject, not {item.Files.Count}");
        }

        var request = new EnrolRequest { SubjectId = item.SubjectId };
        request.Galleries.AddRange(Galleries);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(item.SubjectId + "\n" + string.Join(',', Galleries) + "\n" + (_pipeline is null ? "images" : "template")));
        var images = new List<byte[]>();
        foreach (var file in item.Files)
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"{file} does not exist", file);
            }

            if (info.Length > MaxImageBytes)
            {
                throw new InvalidDataException($"{file} is larger than {MaxImageBytes / (1024 * 1024)} MiB");
            }

            var bytes = File.ReadAllBytes(file);
            hash.AppendData(bytes);
            images.Add(bytes);
        }

        if (_pipeline is null)
        {
            foreach (var bytes in images)
            {
                request.Images.Add(new FaceImage { Data = ByteString.CopyFrom(bytes) });
            }
        }
        else
        {
            request.Template = BestTemplate(item, images);
        }

        request.RequestId = "enrol-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
        return request;
    }

    private Embedding BestTemplate(EnrolmentItem item, List<byte[]> images)
    {
        FaceEmbedding? best = null;
        var bestScore = double.NegativeInfinity;
        foreach (var bytes in images)
        {
            using var result = _pipeline!.Process(bytes);
            if (result.Faces.Count == 0)
            {
                continue;
            }

            // The largest face of each image (Process returns them largest first), ranked by its fitness as a probe.
            var score = Tracking.BestShotSelector.ShotScore(result.Faces[0]);
            if (score > bestScore)
            {
                bestScore = score;
                best = result.Embeddings[0];
            }
        }

        if (best is null)
        {
            throw new InvalidDataException($"{item.SubjectId}: no face found in {images.Count} image(s)");
        }

        var template = new Embedding { ModelId = best.ModelId };
        template.Values.AddRange(best.ToArray());
        return template;
    }

    private async Task<EnrolmentOutcome> EnrolOneAsync(EnrolmentItem item, EnrolRequest request, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var wait = _connection.RetryDelay;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var response = await _connection.Enrolment.EnrolAsync(request, _connection.CallOptions(DateTime.UtcNow + CallTimeout, cancellationToken))
                    .ResponseAsync.ConfigureAwait(false);
                _connection.ReportSuccess();
                return Outcome(item, response);
            }
            catch (Exception e) when (MatcherConnection.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                last = e;
                _connection.ReportFailure(e);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange)
            {
                _connection.ReportSuccess();
                return new EnrolmentOutcome(item.SubjectId, EnrolmentOutcome.Invalid, request.RequestId, Reason: e.Status.Detail);
            }
            catch (RpcException e)
            {
                return new EnrolmentOutcome(item.SubjectId, EnrolmentOutcome.Failed, request.RequestId, Reason: Describe(e));
            }
        }

        return new EnrolmentOutcome(item.SubjectId, EnrolmentOutcome.Failed, request.RequestId, Reason: Describe(last));
    }

    private async Task<(List<(EnrolmentItem, EnrolRequest)> Unanswered, Exception? Error)> StreamAsync(
        List<(EnrolmentItem Item, EnrolRequest Request)> batch, Action<EnrolmentOutcome> done, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + CallTimeout + TimeSpan.FromTicks(CallTimeout.Ticks / 10 * batch.Count);
        using var call = _connection.Enrolment.EnrolStream(_connection.CallOptions(deadline, cancellationToken));
        using var window = new SemaphoreSlim(Math.Max(1, Window));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var answered = 0;
        var writer = Task.Run(async () =>
        {
            foreach (var (_, request) in batch)
            {
                await window.WaitAsync(stop.Token).ConfigureAwait(false);
                await call.RequestStream.WriteAsync(request, stop.Token).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }, CancellationToken.None);
        Exception? error = null;
        try
        {
            while (answered < batch.Count && await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                _connection.ReportSuccess();
                var (item, _) = batch[answered++];
                window.Release();
                done(Outcome(item, call.ResponseStream.Current));
            }

            if (answered < batch.Count)
            {
                error = new RpcException(new Status(StatusCode.Unavailable, $"the matcher ended the stream after {answered} of {batch.Count} answers"));
            }
        }
        catch (Exception e) when (e is RpcException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            error = e;
            if (MatcherConnection.IsTransient(e))
            {
                _connection.ReportFailure(e);
            }
            else
            {
                // A non-retryable status (for example UNAUTHENTICATED) fails every unanswered subject at once.
                foreach (var (item, request) in batch.Skip(answered))
                {
                    done(new EnrolmentOutcome(item.SubjectId, EnrolmentOutcome.Failed, request.RequestId, Reason: Describe(e)));
                }

                answered = batch.Count;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await writer.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException or ObjectDisposedException)
            {
            }
        }

        return (batch.Skip(answered).ToList(), error);
    }

    private static EnrolmentOutcome Outcome(EnrolmentItem item, EnrolResponse r)
    {
        var status = r.Status switch
        {
            EnrolStatus.Enrolled => EnrolmentOutcome.Enrolled,
            EnrolStatus.RejectedQuality => EnrolmentOutcome.RejectedQuality,
            EnrolStatus.NoFace => EnrolmentOutcome.NoFace,
            EnrolStatus.Invalid => EnrolmentOutcome.Invalid,
            _ => EnrolmentOutcome.Failed,
        };
        return new EnrolmentOutcome(item.SubjectId, status, r.RequestId, r.SubjectKey, r.Version, r.ModelId,
            string.IsNullOrEmpty(r.Reason) ? null : NameImages(r.Reason, item.Files), r.Replayed, item.Files);
    }

    /// <summary>The matcher's reason with each <c>image N</c> (its position in the request) followed by the file's name.</summary>
    public static string NameImages(string reason, IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(files);
        return ImageNumber().Replace(reason, m =>
            int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= files.Count
                ? $"{m.Value} ({Path.GetFileName(files[n - 1])})"
                : m.Value);
    }

    [GeneratedRegex(@"\bimage (\d+)\b")]
    private static partial Regex ImageNumber();

    private static string Describe(Exception? e) => e switch
    {
        null => "not attempted",
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => e.Message,
    };
}
