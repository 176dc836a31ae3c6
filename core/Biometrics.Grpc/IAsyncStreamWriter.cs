namespace Biometrics.Grpc;

/// <summary>Writes a stream of messages. Not thread-safe: await each write before starting the next.</summary>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Writes one message (it is flushed to the transport before the task completes).</summary>
    Task WriteAsync(T message);

    /// <summary>Writes one message, observing a cancellation token.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken);
}
