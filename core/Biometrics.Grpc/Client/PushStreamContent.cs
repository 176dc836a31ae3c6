using System.Net;
using System.Net.Http;

namespace Biometrics.Grpc.Client;

/// <summary>A request body that stays open while the caller writes messages (client-streaming and duplex calls):
/// the handler hands over its stream, writers write frames into it, and <see cref="Complete"/> ends the body
/// (END_STREAM).</summary>
internal sealed class PushStreamContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PushStreamContent() => Headers.TryAddWithoutValidation("content-type", "application/grpc");

    /// <summary>The request body stream, once the HTTP/2 stream has started.</summary>
    public Task<Stream> StreamTask => _stream.Task;

    /// <summary>Ends the request body normally.</summary>
    public void Complete() => _done.TrySetResult();

    /// <summary>The request failed before the body stream was handed over (for example the connection was refused):
    /// writers waiting for <see cref="StreamTask"/> fail with <paramref name="ex"/>. No effect once the stream exists.</summary>
    public void FailPendingWrites(Exception ex)
    {
        _stream.TrySetException(ex);
        _ = _stream.Task.Exception;
    }

    /// <summary>Ends the request body with an error (the stream is reset) and fails pending writers.</summary>
    public void Abort(Exception ex)
    {
        _stream.TrySetException(ex);
        _done.TrySetException(ex);
        _ = _stream.Task.Exception;
        _ = _done.Task.Exception;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        _stream.TrySetResult(stream);
        await _done.Task.ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
