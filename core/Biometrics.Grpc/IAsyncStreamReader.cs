namespace Biometrics.Grpc;

/// <summary>Reads a stream of messages: call <see cref="MoveNext"/> until it returns false, reading <see cref="Current"/>
/// after each true. Not thread-safe: one reader at a time.</summary>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>Advances to the next message; false at the end of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken);
}
