using System.Numerics.Tensors;
using System.Threading.Channels;

namespace Biometrics.Matcher.Gallery;

/// <summary>
/// Collects 1:N queries that arrive together and runs them as one <see cref="GalleryIndex.SearchBatch"/>, so
/// concurrent callers share each pass over the gallery memory. Results come back per caller through tasks.
/// </summary>
/// <remarks>
/// Thread-safe: any number of callers may call <see cref="SearchAsync"/> concurrently. One background loop runs the
/// batches (each batch itself uses all cores for big galleries). Invalid queries fail alone, never their batch.
/// </remarks>
public sealed class GallerySearchBatcher : IAsyncDisposable
{
    private readonly GalleryIndex _index;
    private readonly GallerySearchBatcherOptions _options;
    private readonly Channel<Request> _queue = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _batches;
    private long _queries;

    /// <summary>Starts the batching loop over <paramref name="index"/> (which the caller keeps owning).</summary>
    public GallerySearchBatcher(GalleryIndex index, GallerySearchBatcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _options = options ?? new GallerySearchBatcherOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxWait, TimeSpan.Zero);
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Batches run so far.</summary>
    public long BatchesRun => Interlocked.Read(ref _batches);

    /// <summary>Queries answered so far (mean batch size = QueriesRun / BatchesRun).</summary>
    public long QueriesRun => Interlocked.Read(ref _queries);

    /// <summary>Queues one query; completes with its top-<paramref name="k"/> matches, best first.</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN/Inf or a zero vector (thrown synchronously).</exception>
    /// <exception cref="ObjectDisposedException">The batcher was disposed.</exception>
    public Task<GalleryMatch[]> SearchAsync(ReadOnlyMemory<float> query, int k, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var span = query.Span;
        if (span.Length != _index.Dimension)
        {
            throw new ArgumentException($"query length {span.Length} differs from the gallery dimension {_index.Dimension}", nameof(query));
        }

        if (!TensorPrimitives.IsFiniteAll(span) || TensorPrimitives.Norm(span) < 1e-6f)
        {
            throw new ArgumentException("query contains NaN/infinity or is a zero vector", nameof(query));
        }

        var request = new Request(query.ToArray(), k, new TaskCompletionSource<GalleryMatch[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (cancellationToken.CanBeCanceled)
        {
            request.Registration = cancellationToken.Register(static s => ((Request)s!).Completion.TrySetCanceled(), request);
        }

        if (!_queue.Writer.TryWrite(request))
        {
            request.Registration.Dispose();
            throw new ObjectDisposedException(nameof(GallerySearchBatcher));
        }

        return request.Completion.Task;
    }

    /// <summary>Stops accepting queries, answers the queued ones and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Request>(_options.MaxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            Drain(reader, batch);
            if (_options.MaxWait > TimeSpan.Zero && batch.Count < _options.MaxBatch)
            {
                using var cts = new CancellationTokenSource(_options.MaxWait);
                try
                {
                    while (batch.Count < _options.MaxBatch && await reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
                    {
                        Drain(reader, batch);
                    }
                }
                catch (OperationCanceledException)
                {
                    // the wait window closed: run what we have
                }
            }

            if (batch.Count > 0)
            {
                RunBatch(batch);
            }
        }
    }

    private void Drain(ChannelReader<Request> reader, List<Request> batch)
    {
        while (batch.Count < _options.MaxBatch && reader.TryRead(out var r))
        {
            if (!r.Completion.Task.IsCompleted)
            {
                batch.Add(r);
            }
        }
    }

    private void RunBatch(List<Request> batch)
    {
        var d = _index.Dimension;
        var queries = new float[batch.Count * d];
        var kmax = 1;
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Query.CopyTo(queries, i * d);
            kmax = Math.Max(kmax, batch[i].K);
        }

        try
        {
            var results = _index.SearchBatch(queries, kmax, _options.Mode);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _queries, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                var r = results[i];
                var k = batch[i].K;
                batch[i].Completion.TrySetResult(r.Length > k ? r[..k] : r);
            }
        }
        catch (Exception ex)
        {
            foreach (var r in batch)
            {
                r.Completion.TrySetException(ex);
            }
        }
        finally
        {
            foreach (var r in batch)
            {
                r.Registration.Dispose();
            }
        }
    }

    private sealed class Request(float[] query, int k, TaskCompletionSource<GalleryMatch[]> completion)
    {
        public float[] Query { get; } = query;

        public int K { get; } = k;

        public TaskCompletionSource<GalleryMatch[]> Completion { get; } = completion;

        public CancellationTokenRegistration Registration { get; set; }
    }
}
