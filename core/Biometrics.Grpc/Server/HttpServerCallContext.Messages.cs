using System.Buffers;
using System.IO.Pipelines;
using Biometrics.Grpc.Internal;
using Google.Protobuf;

namespace Biometrics.Grpc.Server;

internal sealed partial class HttpServerCallContext
{
    /// <summary>Reads the one request message of a unary or server-streaming call (the request must end after it).
    /// Completes synchronously when the whole request is already buffered, which is the common case.</summary>
    public ValueTask<T> ReadSingleMessageAsync<T>(Marshaller<T> marshaller) where T : class, IMessage<T>
    {
        var reader = RequestReader;
        while (reader.TryRead(out var result))
        {
            if (TryTakeSingleMessage(reader, result, marshaller, out var message)) return new ValueTask<T>(message);
        }
        return ReadSingleMessageSlowAsync(reader, marshaller);
    }

    private async ValueTask<T> ReadSingleMessageSlowAsync<T>(PipeReader reader, Marshaller<T> marshaller) where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(CancellationToken).ConfigureAwait(false);
            if (TryTakeSingleMessage(reader, result, marshaller, out var message)) return message;
        }
    }

    private bool TryTakeSingleMessage<T>(PipeReader reader, ReadResult result, Marshaller<T> marshaller, out T message) where T : class, IMessage<T>
    {
        var buffer = result.Buffer;
        var consumed = buffer.Start;
        try
        {
            if (result.IsCanceled) throw new OperationCanceledException("The request read was cancelled.");
            var rest = buffer;
            if (!result.IsCompleted)
            {
                // Not at END_STREAM yet: only check the declared size early, then wait for the rest.
                GrpcFraming.TryReadFrame(ref rest, _info.MaxReceiveMessageSize, out _, out _);
                message = null!;
                return false;
            }
            if (!GrpcFraming.TryReadFrame(ref rest, _info.MaxReceiveMessageSize, out var compressed, out var payload))
            {
                consumed = buffer.End;
                GrpcFraming.ThrowStatus(StatusCode.Internal, buffer.IsEmpty ? "Request ended without a message." : "Incomplete message: the request ended inside a frame.");
            }
            consumed = buffer.End;
            if (!rest.IsEmpty) GrpcFraming.ThrowStatus(StatusCode.Internal, "More than one message in a request that takes a single message.");
            message = GrpcFraming.ParseMessage(marshaller, payload, compressed, _requestEncoding, _info.MaxReceiveMessageSize);
            return true;
        }
        finally
        {
            reader.AdvanceTo(consumed, buffer.End);
        }
    }

    /// <summary>Reads the next message of a request stream; null at the end of the stream.</summary>
    public async ValueTask<T?> ReadStreamMessageAsync<T>(Marshaller<T> marshaller, CancellationToken cancellationToken) where T : class, IMessage<T>
    {
        var reader = RequestReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (result.IsCanceled) throw new OperationCanceledException("The request read was cancelled.");
                var rest = buffer;
                if (GrpcFraming.TryReadFrame(ref rest, _info.MaxReceiveMessageSize, out var compressed, out var payload))
                {
                    // Only what was consumed counts as examined: a further message already in the buffer must be
                    // returned by the next read without waiting for more bytes from the client.
                    consumed = examined = rest.Start;
                    return GrpcFraming.ParseMessage(marshaller, payload, compressed, _requestEncoding, _info.MaxReceiveMessageSize);
                }
                if (result.IsCompleted)
                {
                    consumed = buffer.End;
                    if (buffer.IsEmpty) return null;
                    GrpcFraming.ThrowStatus(StatusCode.Internal, "Incomplete message: the request ended inside a frame.");
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    /// <summary>Puts the single response message of a unary or client-streaming call in the response body (it is flushed
    /// together with the trailers when the call completes).</summary>
    public void WriteSingleResponse<T>(Marshaller<T> marshaller, T message) where T : class, IMessage<T>
    {
        if (_status.StatusCode != StatusCode.OK) return; // the handler chose an error status: send no message
        ArgumentNullException.ThrowIfNull(message);
        if (_deadlineLock is not null)
        {
            WriteSingleResponseLocked(marshaller, message);
            return;
        }
        GrpcFraming.WriteMessage(_http.Response.BodyWriter, marshaller, message, _info.MaxSendMessageSize);
        MarkResponseStarted();
    }

    /// <summary>Writes and flushes one message of a response stream.</summary>
    public Task WriteStreamMessageAsync<T>(Marshaller<T> marshaller, T message, CancellationToken cancellationToken) where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_deadlineLock is not null) return WriteStreamMessageLockedAsync(marshaller, message, cancellationToken);
        var writer = _http.Response.BodyWriter;
        GrpcFraming.WriteMessage(writer, marshaller, message, _info.MaxSendMessageSize);
        MarkResponseStarted();
        var flush = writer.FlushAsync(cancellationToken);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }
}
