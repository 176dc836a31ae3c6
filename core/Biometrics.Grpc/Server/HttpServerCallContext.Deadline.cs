using Biometrics.Grpc.Internal;
using Google.Protobuf;

namespace Biometrics.Grpc.Server;

/// <summary>Deadline enforcement. When the deadline passes, the handler's token is cancelled and the call is ended
/// with DEADLINE_EXCEEDED at once, even if the handler ignores its token; response writes, header writes and the final
/// status are serialized with the deadline by <see cref="_deadlineLock"/> (only calls with a deadline pay for it), and
/// later writes from such a handler fail instead of touching a finished response.</summary>
internal sealed partial class HttpServerCallContext
{
    private SemaphoreSlim? _deadlineLock;
    private bool _completed;

    private void StartDeadline(TimeSpan timeout)
    {
        _deadline = timeout >= DateTime.MaxValue - DateTime.UtcNow ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        if (timeout.TotalMilliseconds >= int.MaxValue - 1) return;
        _deadlineLock = new SemaphoreSlim(1, 1);
        _deadlineCts = CancellationTokenSource.CreateLinkedTokenSource(_http.RequestAborted);
        _deadlineCts.Token.UnsafeRegister(static s => _ = ((HttpServerCallContext)s!).OnDeadlineAsync(), this);
        _deadlineCts.CancelAfter(timeout);
    }

    private async Task OnDeadlineAsync()
    {
        if (_http.RequestAborted.IsCancellationRequested) return; // a reset, not the deadline
        var gate = _deadlineLock!;
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_completed) return;
            _completed = true;
            ServerLog.DeadlineExceeded(_info.Logger, _info.FullName);
            _status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            WriteStatusToResponse();
            await _http.Response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or ObjectDisposedException)
        {
            // The stream went away meanwhile; nothing left to tell the client.
        }
        finally
        {
            gate.Release();
        }
    }

    private void CompleteWithDeadline(CancellationTokenSource cts)
    {
        var gate = _deadlineLock!;
        gate.Wait();
        try
        {
            if (_completed) return;
            _completed = true;
            CompleteCore();
        }
        finally
        {
            gate.Release();
            cts.Dispose();
        }
    }

    private void WriteSingleResponseLocked<T>(Marshaller<T> marshaller, T message) where T : class, IMessage<T>
    {
        _deadlineLock!.Wait();
        try
        {
            ThrowIfCompleted();
            GrpcFraming.WriteMessage(_http.Response.BodyWriter, marshaller, message, _info.MaxSendMessageSize);
            MarkResponseStarted();
        }
        finally
        {
            _deadlineLock.Release();
        }
    }

    private async Task WriteStreamMessageLockedAsync<T>(Marshaller<T> marshaller, T message, CancellationToken cancellationToken) where T : class, IMessage<T>
    {
        await _deadlineLock!.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            var writer = _http.Response.BodyWriter;
            GrpcFraming.WriteMessage(writer, marshaller, message, _info.MaxSendMessageSize);
            MarkResponseStarted();
            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _deadlineLock.Release();
        }
    }

    private async Task WriteResponseHeadersLockedAsync(Metadata responseHeaders)
    {
        await _deadlineLock!.WaitAsync().ConfigureAwait(false);
        try
        {
            ThrowIfCompleted();
            MetadataHeaders.AddToHeaders(responseHeaders, _http.Response.Headers);
            _responseStarted = true;
            await _http.Response.StartAsync(CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _deadlineLock.Release();
        }
    }

    private void ThrowIfCompleted()
    {
        if (_completed) throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
    }
}
