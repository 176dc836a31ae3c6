namespace Biometrics.Grpc;

/// <summary>Per-call options: request metadata, deadline and cancellation. Immutable value.</summary>
public readonly struct CallOptions
{
    /// <summary>Creates call options.</summary>
    public CallOptions(Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default)
    {
        Headers = headers;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>Request metadata sent with the call's headers.</summary>
    public Metadata? Headers { get; }

    /// <summary>The deadline (UTC, or local time converted to UTC); sent as <c>grpc-timeout</c> and enforced locally with
    /// DEADLINE_EXCEEDED. Null means no deadline.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Cancels the call (status CANCELLED).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>A copy with other headers.</summary>
    public CallOptions WithHeaders(Metadata? headers) => new(headers, Deadline, CancellationToken);

    /// <summary>A copy with another deadline.</summary>
    public CallOptions WithDeadline(DateTime? deadline) => new(Headers, deadline, CancellationToken);

    /// <summary>A copy with another cancellation token.</summary>
    public CallOptions WithCancellationToken(CancellationToken cancellationToken) => new(Headers, Deadline, cancellationToken);
}
